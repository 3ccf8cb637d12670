import { describe, expect, it } from 'vitest';
import {
  MEMORY_MLP_LAYERS,
  type MemoryBenchmarkResult,
  runMemoryBenchmark,
} from '../src/memory-benchmark.js';
import { stateBytes } from '../src/memory-state-bytes.js';
import { runCli } from '../src/run-cli.js';
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

/** (d_K, d_C) of the MLP's layers: inputs + bias, outputs. */
const DIMS = MEMORY_MLP_LAYERS.map((l) => [l.inFeatures + 1, l.outFeatures] as const);
const PARAMETERS = DIMS.reduce((sum, [dK, dC]) => sum + dK * dC, 0);

describe('singd-bench memory', () => {
  it('rejects bad arguments naming them and the valid values', async () => {
    const bad = await run(['memory', '--structures', 'dense,sparse']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--structures'");
    expect(bad.stderr).toContain('a comma-separated list of: dense, diagonal, block-diagonal');
    const unknown = await run(['memory', '--precision', 'bfloat16']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown option '--precision'; valid options: --structures, --no-write, --json, --help",
    );
  });

  it('prints JSON with one row per structure and precision, IKFAC, KFAC, AdamW and SGD', async () => {
    const { code, stdout, stderr } = await run(['memory', '--json', '--no-write']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as MemoryBenchmarkResult;
    expect(result.parameterCount).toBe(269_322);
    const labels = result.rows.map((r) => `${r.kind}/${r.structure ?? '-'}/${r.precision ?? '-'}`);
    const expected: string[] = [];
    for (const precision of ['float32', 'bfloat16']) {
      for (const s of STEP_STRUCTURE_NAMES) expected.push(`singd/${s}/${precision}`);
      expected.push(`ikfac/dense/${precision}`, `kfac/-/${precision}`);
    }
    expected.push('adamw/-/-', 'sgd/-/-');
    expect(labels).toEqual(expected);
    for (const row of result.rows) {
      expect(row.parameterBytes).toBe(8 * PARAMETERS);
      expect(row.stateBytes).toBe(row.layers.reduce((sum, l) => sum + l.state, 0));
      expect(row.ratioToAdamW).toBeCloseTo(row.stateBytes / (16 * PARAMETERS), 12);
      if (row.kind === 'singd' || row.kind === 'ikfac') expect(row.matchesStorageSize).toBe(true);
    }
  });

  it('counts the bytes the formulas give', () => {
    const result = runMemoryBenchmark();
    const row = (kind: string, structure: string | null, precision: string | null) =>
      result.rows.find((r) => r.kind === kind && r.structure === structure && r.precision === precision)!;
    expect(row('adamw', null, null).stateBytes).toBe(16 * PARAMETERS);
    expect(row('sgd', null, null).stateBytes).toBe(8 * PARAMETERS);
    const sum = (f: (dK: number, dC: number) => number) => DIMS.reduce((s, [dK, dC]) => s + f(dK, dC), 0);
    // diagonal: K, C, m_K, m_C hold d entries each; plus a float64 momentum buffer.
    expect(row('singd', 'diagonal', 'float32').stateBytes).toBe(
      sum((k, c) => 2 * 4 * (k + c)) + 8 * PARAMETERS,
    );
    expect(row('singd', 'diagonal', 'bfloat16').stateBytes).toBe(
      sum((k, c) => 2 * 2 * (k + c)) + 8 * PARAMETERS,
    );
    expect(row('singd', 'dense', 'float32').stateBytes).toBe(
      sum((k, c) => 2 * 4 * (k * k + c * c)) + 8 * PARAMETERS,
    );
    expect(row('ikfac', 'dense', 'bfloat16').stateBytes).toBe(
      sum((k, c) => 2 * (k * k + c * c)) + 8 * PARAMETERS,
    );
    expect(row('kfac', null, 'float32').stateBytes).toBe(
      sum((k, c) => 2 * 4 * (k * k + c * c)) + 8 * PARAMETERS,
    );
    expect(row('kfac', null, 'float32').allocatedBytes).toBe(
      sum((k, c) => 2 * 8 * (k * k + c * c)) + 8 * PARAMETERS,
    );
    for (const s of STEP_STRUCTURE_NAMES) {
      const f32 = row('singd', s, 'float32');
      const bf16 = row('singd', s, 'bfloat16');
      const factors = (r: typeof f32) => r.layers.reduce((acc, l) => acc + l.preconditioner, 0);
      expect(factors(bf16) * 2).toBe(factors(f32));
    }
  });
});

describe('stateBytes', () => {
  it('sums every typed array in nested records, arrays and maps once', () => {
    const shared = new Float32Array(3);
    const tree = {
      count: 7,
      mu: { a: new Float64Array(2), b: new Uint16Array(5) },
      list: [shared, shared, { c: new Float32Array(1) }],
      map: new Map([['x', new Float64Array(1)]]),
      text: 'ignored',
    };
    expect(stateBytes(tree)).toBe(16 + 10 + 12 + 4 + 8);
    expect(stateBytes(null)).toBe(0);
    expect(stateBytes(new Float64Array(4))).toBe(32);
  });
});
