import { describe, expect, it } from 'vitest';
import { growthSteps, OPS_TARGETS, withDenseRatios } from '../src/ops-benchmark.js';
import { syntheticMeasurements, syntheticResult } from './ops-fixtures.js';

describe('withDenseRatios and growthSteps', () => {
  it('divides dense by each structure at the same d and op; null where dense was not timed', () => {
    const raw = syntheticMeasurements([1024, 2048, 4096], ['dense', 'diagonal']);
    const ratios = withDenseRatios(raw);
    const at = (structure: string, op: string, d: number) =>
      ratios.find((m) => m.structure === structure && m.op === op && m.d === d)!.speedupVsDense;
    expect(at('dense', 'matmul', 1024)).toBe(1);
    expect(at('diagonal', 'matmul', 2048)).toBeCloseTo(2048, 9);
    expect(at('diagonal', 'fromInner', 1024)).toBeCloseTo(1024, 9);
    expect(at('diagonal', 'matmul', 4096)).toBeNull();
  });

  it('gives time(2d)/time(d) between consecutive sizes, normalised per doubling', () => {
    const raw = syntheticMeasurements([256, 1024, 2048], ['diagonal', 'dense']);
    const steps = growthSteps(raw);
    const diagonal = steps.filter((s) => s.structure === 'diagonal' && s.op === 'matmul');
    expect(diagonal.map((s) => [s.from, s.to])).toEqual([
      [256, 1024],
      [1024, 2048],
    ]);
    expect(diagonal[0]!.ratio).toBeCloseTo(4, 9);
    expect(diagonal[0]!.perDoubling).toBeCloseTo(2, 9);
    expect(diagonal[1]!.perDoubling).toBeCloseTo(2, 9);
    const dense = steps.find((s) => s.structure === 'dense' && s.op === 'fromInner' && s.from === 1024)!;
    expect(dense.perDoubling).toBeCloseTo(4, 9);
  });
});

describe('evaluateOpsTargets', () => {
  it('passes everything on ideal synthetic numbers, with the targets of the issue', () => {
    const result = syntheticResult();
    const kinds = result.targets.map((t) => t.kind);
    // 9 linear structures × 2 ops, twice; 12 byte checks; 1 gemm check.
    expect(kinds.filter((k) => k === 'linear-growth')).toHaveLength(18);
    expect(kinds.filter((k) => k === 'faster-than-dense')).toHaveLength(18);
    expect(kinds.filter((k) => k === 'bytes')).toHaveLength(12);
    expect(kinds.filter((k) => k === 'gemm')).toHaveLength(1);
    expect(result.targets.every((t) => t.pass === true)).toBe(true);
    // Triangular structures are not held to the speed targets.
    expect(result.targets.filter((t) => t.structure === 'lower-triangular').map((t) => t.kind)).toEqual([
      'bytes',
    ]);
    const growth = result.targets.find((t) => t.kind === 'linear-growth' && t.structure === 'diagonal')!;
    expect(growth.required).toBe(OPS_TARGETS.growthLimit);
    expect(growth.measured).toBeCloseTo(2, 9);
    const dense = result.targets.find((t) => t.kind === 'faster-than-dense' && t.structure === 'diagonal')!;
    expect(dense.measured).toBeCloseTo(2048, 6);
  });

  it('fails growth above 2.3× per doubling and reports the worst step', () => {
    const result = syntheticResult({
      override: (m) =>
        m.structure === 'hierarchical' && m.op === 'fromInner' && m.d === 4096
          ? m.medianMs * 1.2
          : m.medianMs,
    });
    const target = result.targets.find(
      (t) => t.kind === 'linear-growth' && t.structure === 'hierarchical' && t.op === 'fromInner',
    )!;
    expect(target.measured).toBeCloseTo(2.4, 9);
    expect(target.pass).toBe(false);
    expect(target.detail).toBe('worst: 2048 → 4096');
    // Just below the limit passes.
    const edge = syntheticResult({
      override: (m) =>
        m.structure === 'diagonal' && m.op === 'matmul' && m.d === 4096 ? m.medianMs * 1.14 : m.medianMs,
    });
    expect(
      edge.targets.find((t) => t.kind === 'linear-growth' && t.structure === 'diagonal' && t.op === 'matmul')!
        .pass,
    ).toBe(true);
  });

  it('fails the dense speed-up below 20× at d = 2048, and passes just above it', () => {
    const dense2048 = 2048 * 2048 * 1e-4;
    const result = syntheticResult({
      override: (m) => {
        if (m.d !== 2048 || m.op !== 'matmul') return m.medianMs;
        if (m.structure === 'upper-toeplitz') return dense2048 / 19.9;
        if (m.structure === 'lower-toeplitz') return dense2048 / 20.01;
        return m.medianMs;
      },
    });
    const find = (structure: string) =>
      result.targets.find(
        (t) => t.kind === 'faster-than-dense' && t.structure === structure && t.op === 'matmul',
      )!;
    expect(find('upper-toeplitz').measured).toBeCloseTo(19.9, 9);
    expect(find('upper-toeplitz').pass).toBe(false);
    expect(find('lower-toeplitz').pass).toBe(true);
  });

  it('marks targets this run cannot measure as n/a (null)', () => {
    const noDense = syntheticResult({ structures: ['diagonal', 'hierarchical'] });
    for (const target of noDense.targets.filter((t) => t.kind === 'faster-than-dense')) {
      expect(target.pass).toBeNull();
      expect(target.measured).toBeNull();
      expect(target.detail).toContain('needs');
    }
    const oneSize = syntheticResult({ sizes: [512], structures: ['dense', 'diagonal'] });
    const growth = oneSize.targets.filter((t) => t.kind === 'linear-growth');
    expect(growth.every((t) => t.pass === null && t.detail === 'needs two sizes')).toBe(true);
  });

  it('fails bytes when any matrix of a structure has the wrong size, and gemm below 3×', () => {
    const result = syntheticResult({
      bytes: (checks) =>
        checks.map((b) =>
          b.structure === 'hierarchical' && b.d === 512 ? { ...b, byteLength: 0, pass: false } : b,
        ),
      gemm: { speedup: 2.9 },
    });
    const bytes = result.targets.find((t) => t.kind === 'bytes' && t.structure === 'hierarchical')!;
    expect(bytes).toMatchObject({ required: 5, measured: 4, pass: false });
    expect(result.targets.find((t) => t.kind === 'bytes' && t.structure === 'diagonal')!.pass).toBe(true);
    expect(result.targets.find((t) => t.kind === 'gemm')).toMatchObject({
      measured: 2.9,
      required: 3,
      pass: false,
    });
  });
});
