import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import type { StepBenchmarkResult } from '../src/step-benchmark.js';
import { STEP_STRUCTURE_NAMES } from '../src/step-structures.js';

async function run(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('singd-bench step arguments', () => {
  it.each([
    [['--structures', 'diagonal,banded'], "'--structures'", 'dense, diagonal, block-diagonal, hierarchical'],
    [['--sizes', '512,0'], "'--sizes'", 'integers from 8 to 8192'],
    [['--batch', 'many'], "'--batch'", 'an integer from 1 to 65536'],
    [['--period', '1'], "'--period'", 'an integer from 2 to 100'],
    [['--time', '-5'], "'--time'", 'a number from 0 to 600000'],
    [['--quick=yes'], "'--quick' takes no value", ''],
    [['--size', '512'], "unknown option '--size'", '--sizes, --structures, --batch, --period'],
    [['512'], "unexpected argument '512'", '--sizes'],
  ])('rejects %j with a message naming the argument and the valid values', async (args, names, valid) => {
    const { code, stdout, stderr } = await run(['step', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('singd-bench step');
    expect(stderr).toContain(names);
    expect(stderr).toContain(valid);
  });

  it('documents every option in --help', async () => {
    const { code, stdout } = await run(['step', '--help']);
    expect(code).toBe(0);
    for (const option of [
      '--sizes',
      '--structures',
      '--batch',
      '--period',
      '--quick',
      '--no-write',
      '--json',
    ]) {
      expect(stdout).toContain(option);
    }
  });
});

describe('singd-bench step --quick --json', () => {
  it('produces well-formed JSON with every structure at both sizes, the ratios and the targets', async () => {
    const { code, stdout, stderr } = await run(['step', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('wrote');
    const result = JSON.parse(stdout) as StepBenchmarkResult;
    expect(result.benchmark).toBe('singd-step');
    const sizes = result.options.sizes;
    expect(sizes).toHaveLength(2);
    expect(result.adamw.map((r) => r.d)).toEqual(sizes);
    for (const adam of result.adamw) {
      expect(adam.step.medianMs).toBeGreaterThan(0);
      expect(adam.stateBytes).toBe(2 * adam.parameterBytes);
      expect(adam.parameterBytes).toBe(adam.d * adam.d * 8);
    }
    expect(result.singd).toHaveLength(STEP_STRUCTURE_NAMES.length * sizes.length);
    for (const d of sizes) {
      const adam = result.adamw.find((r) => r.d === d)!;
      expect(result.singd.filter((r) => r.d === d).map((r) => r.structure)).toEqual([
        ...STEP_STRUCTURE_NAMES,
      ]);
      for (const row of result.singd.filter((r) => r.d === d)) {
        for (const summary of [row.update, row.nonUpdate, row.capture, row.preconditionerUpdate!]) {
          expect(summary.samples).toBeGreaterThanOrEqual(1);
          expect(summary.medianMs).toBeGreaterThan(0);
        }
        expect(row.update.samples).toBe(row.nonUpdate.samples); // T = 2: one of each per unit
        expect(row.updateToAdamW).toBeCloseTo(row.update.medianMs / adam.step.medianMs, 10);
        expect(row.nonUpdateToAdamW).toBeCloseTo(row.nonUpdate.medianMs / adam.step.medianMs, 10);
        expect(row.memory.ratioToAdamW).toBeCloseTo(row.memory.stateBytes / adam.stateBytes, 10);
        expect(row.memory.reportRatioToAdamW).toBeCloseTo(row.memory.ratioToAdamW, 10);
        expect(row.memory.stateBytes).toBe(
          row.memory.K + row.memory.C + row.memory.mK + row.memory.mC + row.memory.momentumBuffer,
        );
      }
    }
    const diagonal = result.singd.find((r) => r.structure === 'diagonal' && r.d === sizes[1])!;
    // K, C, m_K, m_C: 4·d float32 entries each side (8·d·4 bytes) + a float64 momentum buffer of d² entries.
    expect(diagonal.memory.stateBytes).toBe(4 * 2 * sizes[1]! + 8 * sizes[1]! ** 2 + 4 * 2 * sizes[1]!);
    expect(result.growth.filter((g) => g.structure !== 'adamw')).toHaveLength(
      3 * STEP_STRUCTURE_NAMES.length,
    );
    expect(result.targets.map((t) => t.kind)).toEqual([
      'diagonal-non-update-time',
      'diagonal-non-update-time',
      'diagonal-state',
      'diagonal-state',
      'linear-update-growth',
      'linear-update-growth',
    ]);
    for (const target of result.targets) {
      expect(typeof target.pass).toBe('boolean');
      expect(target.pass).toBe(target.measured! <= target.required);
    }
  });

  it('prints the tables and PASS/FAIL per target without --json', async () => {
    const { code, stdout } = await run(['step', '--quick', '--structures', 'diagonal,hierarchical']);
    expect(code).toBe(0);
    expect(stdout).toContain('SINGD diagonal');
    expect(stdout).toContain('SINGD hierarchical (15, 15)');
    expect(stdout).not.toContain('SINGD dense');
    expect(stdout).toMatch(/Targets: \d PASS, \d FAIL/);
    expect(stdout).toMatch(/diagonal SINGD state ≤ 0.55× AdamW's state \(d = 96\) .*│ (PASS|FAIL)/);
  });
});
