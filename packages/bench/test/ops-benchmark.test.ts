import { describe, expect, it } from 'vitest';
import { naiveGemm, normalizeOpsOptions, OPS, runOpsBenchmark } from '../src/ops-benchmark.js';
import { renderStructuredOpsMarkdown } from '../src/ops-report.js';
import { OPS_STRUCTURE_NAMES } from '../src/ops-structures.js';
import { median, timeCall } from '../src/ops-timing.js';

describe('timing helpers', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('times at least minSamples and at most maxSamples calls after a warm-up', () => {
    let calls = 0;
    const timing = timeCall(() => calls++, { time: 0, minSamples: 4, maxSamples: 10 });
    expect(timing.samples).toBe(4);
    expect(timing.warmup).toBe(1);
    expect(calls).toBe(5);
    const capped = timeCall(() => 0, { time: 60_000, minSamples: 1, maxSamples: 7 });
    expect(capped.samples).toBe(7);
    expect(capped.minMs).toBeLessThanOrEqual(capped.medianMs);
  });

  it('multiplies with the naive loop', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([5, 6, 7, 8]);
    expect([...naiveGemm(new Float32Array(4), a, b, 2)]).toEqual([19, 22, 43, 50]);
  });

  it('sorts and deduplicates sizes, keeps table order for structures, rejects bad input', () => {
    const settings = normalizeOpsOptions({
      sizes: [16, 8, 16],
      structures: ['diagonal', 'dense', 'diagonal'],
    });
    expect(settings.sizes).toEqual([8, 16]);
    expect(settings.structures).toEqual(['dense', 'diagonal']);
    expect(() => normalizeOpsOptions({ sizes: [] })).toThrow(/at least one d/);
    expect(() => normalizeOpsOptions({ sizes: [0] })).toThrow(/positive integers/);
    expect(() => normalizeOpsOptions({ structures: [] })).toThrow(/at least one structure/);
  });
});

describe('runOpsBenchmark (smoke run: d = 8, 16, n = 4; speed is not asserted)', () => {
  it('returns a complete result for every structure', async () => {
    const progress: string[] = [];
    const result = await runOpsBenchmark(
      {
        sizes: [16, 8],
        columns: 4,
        time: 0,
        rounds: 2,
        minSamples: 1,
        maxSamples: 2,
        gemmSize: 16,
        quadraticMaxSize: 8,
      },
      (line) => progress.push(line),
    );
    expect(result.benchmark).toBe('structured-ops');
    expect(result.dtype).toBe('float32');
    expect(result.backend).toBe('cpu');
    expect(result.options.sizes).toEqual([8, 16]);
    expect(result.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.structures.map((s) => s.name)).toEqual(OPS_STRUCTURE_NAMES);

    // Every structure at both sizes, except dense and triangular above quadraticMaxSize.
    expect(result.measurements).toHaveLength((2 * 12 - 3) * OPS.length);
    const quadratic = ['dense', 'lower-triangular', 'upper-triangular'];
    expect(result.measurements.some((m) => quadratic.includes(m.structure) && m.d === 16)).toBe(false);
    for (const m of result.measurements) {
      expect(m.n).toBe(4);
      expect(m.samples).toBe(2); // one per round
      expect(m.medianMs).toBeGreaterThanOrEqual(0);
      if (m.d === 8) expect(m.speedupVsDense).not.toBeNull();
      else expect(m.speedupVsDense).toBeNull();
    }
    expect(result.growth).toHaveLength(9 * OPS.length);

    // The computations agree with their dense definitions, and the bytes with spec §3.3.
    expect(result.crossChecks).toHaveLength(12 * OPS.length);
    for (const check of result.crossChecks)
      expect([check.structure, check.op, check.pass]).toEqual([check.structure, check.op, true]);
    expect(result.bytes).toHaveLength(24);
    for (const b of result.bytes) {
      expect([b.structure, b.d, b.pass]).toEqual([b.structure, b.d, true]);
      expect(b.byteLength).toBe(b.specEntries * 4);
    }
    expect(result.bytes.find((b) => b.structure === 'dense' && b.d === 16)!.fromInnerByteLength).toBeNull();

    expect(result.gemm.n).toBe(16);
    expect(result.gemm.relativeDifference).toBeLessThan(1e-5);
    expect(result.targets.filter((t) => t.kind === 'bytes').every((t) => t.pass === true)).toBe(true);
    expect(result.targets.filter((t) => t.kind === 'faster-than-dense').every((t) => t.pass === null)).toBe(
      true,
    );
    expect(progress.some((line) => line.includes('not timed above d = 8: dense d=16'))).toBe(true);
    expect(progress.filter((line) => /^round \d\/2 took/.test(line))).toHaveLength(2);
    expect(progress.at(-1)).toMatch(/^gemm n=16/);
    expect(renderStructuredOpsMarkdown(result)).toContain('| diagonal');
  });
});
