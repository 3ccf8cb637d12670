import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import {
  evaluateTfjsStepTargets,
  type TfjsStepBenchmarkResult,
  type TfjsStepRow,
} from '../src/tfjs-step-options.js';

async function run(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('singd-bench tfjs-step', () => {
  it.each([
    [
      ['--optimizers', 'singd-diagonal,adam'],
      "'--optimizers'",
      'singd-diagonal, singd-block-diagonal, singd-hierarchical, singd-dense, kfac',
    ],
    [['--models', 'resnet'], "'--models'", 'a comma-separated list of: mlp, cnn'],
    [['--backend', 'webgl'], "'--backend'", 'one of: wasm, cpu'],
    [['--batch', '0'], "'--batch'", 'an integer from 1 to 4096'],
  ])('rejects %j naming the argument and the valid values', async (args, names, valid) => {
    const { code, stderr } = await run(['tfjs-step', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(names);
    expect(stderr).toContain(valid);
  });

  it('--quick --json trains both models on wasm and reports the ratio to Adam', async () => {
    const { code, stdout, stderr } = await run([
      'tfjs-step',
      '--quick',
      '--json',
      '--optimizers',
      'singd-diagonal',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('wrote');
    const result = JSON.parse(stdout) as TfjsStepBenchmarkResult;
    expect(result.backend).toBe('wasm');
    expect(result.models.map((m) => m.name)).toEqual(['mlp', 'cnn']);
    expect(result.models[0]!.parameters).toBe(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
    expect(result.rows.map((r) => `${r.model}/${r.optimizer}`)).toEqual([
      'mlp/adam',
      'mlp/singd-diagonal',
      'cnn/adam',
      'cnn/singd-diagonal',
    ]);
    for (const row of result.rows) {
      expect(row.steps % result.options.period).toBe(0);
      expect(row.meanMs).toBeGreaterThan(0);
      expect(Number.isFinite(row.lastLoss)).toBe(true);
      const adam = result.rows.find((r) => r.model === row.model && r.optimizer === 'adam')!;
      expect(row.periodMeans).toHaveLength(row.steps / result.options.period);
      expect(row.ratioToAdam).toBeCloseTo(row.periodMedianMs / adam.periodMedianMs, 10);
      expect(row.meanRatioToAdam).toBeCloseTo(row.meanMs / adam.meanMs, 10);
      expect(row.updateMedianMs === null).toBe(row.optimizer === 'adam');
    }
    expect(result.targets.map((t) => [t.model, t.optimizer, t.pass === t.measured <= 1.5])).toEqual([
      ['mlp', 'singd-diagonal', true],
      ['cnn', 'singd-diagonal', true],
    ]);
  });

  it('holds diagonal, block-diagonal and hierarchical to 1.5× Adam and only reports dense and KFAC', () => {
    const row = (optimizer: TfjsStepRow['optimizer'], ratioToAdam: number): TfjsStepRow => ({
      model: 'mlp',
      optimizer,
      label: optimizer,
      steps: 10,
      meanMs: ratioToAdam,
      periodMedianMs: ratioToAdam,
      periodMeans: [ratioToAdam],
      meanRatioToAdam: ratioToAdam,
      updateMedianMs: null,
      nonUpdateMedianMs: 1,
      ratioToAdam,
      lastLoss: 1,
    });
    const targets = evaluateTfjsStepTargets([
      row('adam', 1),
      row('singd-diagonal', 1.5),
      row('singd-block-diagonal', 1.51),
      row('singd-hierarchical', 0.9),
      row('singd-dense', 9),
      row('kfac', 9),
    ]);
    expect(targets.map((t) => [t.optimizer, t.pass])).toEqual([
      ['singd-diagonal', true],
      ['singd-block-diagonal', false],
      ['singd-hierarchical', true],
    ]);
  });
});
