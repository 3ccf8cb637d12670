import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import type { DeviceBuffer, MatrixView, VectorView } from '../../src/backend/buffer.js';
import { KERNEL_NAMES, type Kernels } from '../../src/backend/kernels.js';
import { getBackend } from '../../src/backend/registry.js';
import { backendFor, runsFor, TESTED_MODES, toleranceFactor } from './modes.js';

/**
 * Differential test of every kernel of the registry: the gpujs backend in each available mode
 * against the cpu backend (the reference), on random views with offsets and strides inside
 * larger buffers, so that elements outside the written view must come back untouched. The
 * tolerance of an element is `atol + rtol·m` where `m` is the same kernel evaluated on the
 * absolute values of all inputs and scalars (the magnitude of the sum), `rtol, atol` from
 * `toleranceFor('float32', toleranceFactor(mode, inner))`.
 */

const cpu = getBackend('cpu');

/** A kernel call on buffers `b` (scalars passed through `s`, which is `Math.abs` for the magnitude run). */
interface Scenario {
  readonly name: (typeof KERNEL_NAMES)[number];
  readonly lengths: readonly number[];
  /** Accumulation length of one output element (for the tolerance). */
  readonly inner: number;
  run(k: Kernels, b: readonly DeviceBuffer[], s: (x: number) => number): number | undefined;
}

const mat = (buffer: DeviceBuffer, offset: number, rows: number, cols: number, pad: number): MatrixView => ({
  buffer,
  offset,
  rows,
  cols,
  rowStride: cols + pad,
});
const vec = (buffer: DeviceBuffer, offset: number, length: number, stride: number): VectorView => ({
  buffer,
  offset,
  length,
  stride,
});
const span = (rows: number, cols: number, pad: number, offset: number) => offset + rows * (cols + pad);

const shape = fc.record({
  m: fc.integer({ min: 1, max: 7 }),
  n: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 9 }),
  off: fc.integer({ min: 0, max: 3 }),
  pad: fc.integer({ min: 0, max: 2 }),
  stride: fc.integer({ min: 1, max: 3 }),
  flag1: fc.boolean(),
  flag2: fc.boolean(),
  alpha: fc.constantFrom(1, -0.5, 2.25),
  beta: fc.constantFrom(0, 1, -1.5),
});
type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function scenarios(p: Shape): Scenario[] {
  const { m, n, k, off, pad, stride, flag1: f1, flag2: f2, alpha, beta } = p;
  const packed = (d: number) => (d * (d + 1)) / 2;
  const acc = { accumulate: f1 };
  return [
    {
      name: 'gemm',
      lengths: [span(m, n, pad, off), 1 + Math.max(m, k) * (k + 7), 2 + Math.max(k, n) * (n + 14)],
      inner: k,
      run: (K, [o, a, b], s) => {
        const av = f1 ? mat(a!, 1, k, m, k + 7 - m) : mat(a!, 1, m, k, 7);
        const bv = f2 ? mat(b!, 2, n, k, n + 14 - k) : mat(b!, 2, k, n, 14);
        K.gemm(mat(o!, off, m, n, pad), av, bv, {
          transposeA: f1,
          transposeB: f2,
          alpha: s(alpha),
          beta: s(beta),
        });
        return undefined;
      },
    },
    {
      name: 'gemm',
      // batched: 3 blocks of m×m on the diagonal of a (3m)×(3m) matrix
      lengths: [9 * m * m, 9 * m * m, 3 * m * m],
      inner: m,
      run: (K, [o, a, b], s) => {
        K.gemm(mat(o!, 0, m, m, 2 * m), mat(a!, 0, m, m, 2 * m), mat(b!, 0, m, m, 0), {
          transposeA: f1,
          transposeB: false,
          alpha: s(alpha),
          beta: s(beta),
          batch: { count: 3, strideOut: 3 * m * m + m, strideA: 3 * m * m + m, strideB: m * m },
        });
        return undefined;
      },
    },
    {
      name: 'scaleRows',
      lengths: [span(m, n, pad, off), off + m * stride, span(m, n, 1, 0)],
      inner: 1,
      run: (K, [o, sc, x], s) =>
        void K.scaleRows(mat(o!, off, m, n, pad), vec(sc!, off, m, stride), mat(x!, 0, m, n, 1), {
          alpha: s(alpha),
          ...acc,
        }),
    },
    {
      name: 'scaleColumns',
      lengths: [span(m, n, pad, off), off + n * stride],
      inner: 1,
      // out aliases x
      run: (K, [o, sc], s) =>
        void K.scaleColumns(mat(o!, off, m, n, pad), mat(o!, off, m, n, pad), vec(sc!, off, n, stride), {
          alpha: s(alpha),
          ...acc,
        }),
    },
    {
      name: 'axpby',
      lengths: [off + m * stride, m],
      inner: 1,
      run: (K, [o, x], s) => void K.axpby(vec(o!, off, m, stride), vec(x!, 0, m, 1), s(alpha), s(beta)),
    },
    {
      name: 'multiply',
      lengths: [off + m * stride, 2 * m],
      inner: 1,
      run: (K, [o, a], s) =>
        void K.multiply(vec(o!, off, m, stride), vec(a!, 0, m, 2), vec(o!, off, m, stride), {
          alpha: s(alpha),
          ...acc,
        }),
    },
    {
      name: 'fill',
      lengths: [off + m * stride],
      inner: 1,
      run: (K, [o], s) => void K.fill(vec(o!, off, m, stride), s(alpha)),
    },
    {
      name: 'addScalar',
      lengths: [off + m * stride],
      inner: 1,
      run: (K, [o], s) => void K.addScalar(vec(o!, off, m, stride), s(beta)),
    },
    {
      name: 'copy',
      lengths: [span(m, n, pad, off), span(f2 ? n : m, f2 ? m : n, 1, 2)],
      inner: 1,
      run: (K, [o, x], s) =>
        void K.copy(mat(o!, off, m, n, pad), mat(x!, 2, f2 ? n : m, f2 ? m : n, 1), {
          alpha: s(alpha),
          transpose: f2,
          ...acc,
        }),
    },
    {
      name: 'rowSquaredSums',
      lengths: [off + m * stride, span(m, n, pad, 0)],
      inner: n,
      run: (K, [o, x], s) =>
        void K.rowSquaredSums(vec(o!, off, m, stride), mat(x!, 0, m, n, pad), { alpha: s(alpha), ...acc }),
    },
    {
      name: 'columnSquaredSums',
      lengths: [off + n * stride, span(m, n, pad, 0)],
      inner: m,
      run: (K, [o, x], s) =>
        void K.columnSquaredSums(vec(o!, off, n, stride), mat(x!, 0, m, n, pad), { alpha: s(alpha), ...acc }),
    },
    {
      name: 'diagonalSums',
      lengths: [off + m * stride, span(m, m, pad, 1)],
      inner: m,
      run: (K, [o, x], s) =>
        void K.diagonalSums(vec(o!, off, Math.max(1, m - (f2 ? 1 : 0)), stride), mat(x!, 1, m, m, pad), {
          alpha: s(alpha),
          lower: f2,
          ...acc,
        }),
    },
    {
      name: 'toeplitzMatmul',
      lengths: [span(m, n, pad, off), off + m * stride, span(m, n, 0, 0)],
      inner: m,
      run: (K, [o, t, x]) =>
        void K.toeplitzMatmul(mat(o!, off, m, n, pad), vec(t!, off, m, stride), mat(x!, 0, m, n, 0), {
          lower: f1,
        }),
    },
    {
      name: 'toeplitzProduct',
      lengths: [off + m * stride, 2 * m, m],
      inner: m,
      run: (K, [o, a, b]) =>
        void K.toeplitzProduct(vec(o!, off, m, stride), vec(a!, 0, m, 2), vec(b!, 0, m, 1)),
    },
    {
      name: 'columnAutocorrelations',
      lengths: [off + m * stride, span(m, n, pad, 0)],
      inner: m * n,
      run: (K, [o, x], s) =>
        void K.columnAutocorrelations(vec(o!, off, m, stride), mat(x!, 0, m, n, pad), { alpha: s(alpha) }),
    },
    {
      name: 'packedTriangularMatmul',
      lengths: [span(m, n, pad, off), off + packed(m) * stride, span(m, n, 0, 0)],
      inner: m,
      run: (K, [o, l, x]) =>
        void K.packedTriangularMatmul(
          mat(o!, off, m, n, pad),
          vec(l!, off, packed(m), stride),
          mat(x!, 0, m, n, 0),
          {
            lower: f1,
            transpose: f2,
          },
        ),
    },
    {
      name: 'packedTriangularProduct',
      lengths: [off + packed(m) * stride, packed(m), 2 * packed(m)],
      inner: m,
      run: (K, [o, a, b]) =>
        void K.packedTriangularProduct(
          vec(o!, off, packed(m), stride),
          vec(a!, 0, packed(m), 1),
          vec(b!, 0, packed(m), 2),
          {
            lower: f1,
          },
        ),
    },
    {
      name: 'packedGram',
      lengths: [off + packed(m) * stride, span(m, n, pad, 0)],
      inner: n,
      run: (K, [o, x], s) =>
        void K.packedGram(vec(o!, off, packed(m), stride), mat(x!, 0, m, n, pad), {
          lower: f1,
          offDiagonalScale: s(alpha),
        }),
    },
    {
      name: 'packedTransposedGram',
      lengths: [off + packed(m) * stride, 1 + packed(m)],
      inner: m,
      run: (K, [o, l], s) =>
        void K.packedTransposedGram(vec(o!, off, packed(m), stride), vec(l!, 1, packed(m), 1), {
          lower: f1,
          offDiagonalScale: s(alpha),
        }),
    },
    {
      name: 'sum',
      lengths: [off + k * 7 * stride],
      inner: 32,
      run: (K, [x]) => K.sum(vec(x!, off, k * 7, stride)),
    },
    {
      name: 'sumSquares',
      lengths: [off + k * 7 * stride],
      inner: 32,
      run: (K, [x]) => K.sumSquares(vec(x!, off, k * 7, stride)),
    },
    {
      name: 'maxAbs',
      lengths: [off + k * 7 * stride],
      inner: 1,
      run: (K, [x]) => K.maxAbs(vec(x!, off, k * 7, stride)),
    },
  ];
}

function uploadAll(backend: Backend, data: readonly Float32Array[]): DeviceBuffer[] {
  return data.map((values) => backend.upload('float32', values));
}

function randomData(lengths: readonly number[], seed: number): Float32Array[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return lengths.map((length) => Float32Array.from({ length }, () => (next() - 0.5) * 4));
}

describe.each(TESTED_MODES)('gpujs kernels (mode %s) match the cpu backend', (mode) => {
  const gpujs = backendFor(mode);

  it('implements every kernel of the registry', () => {
    expect(Object.keys(gpujs.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  for (const name of KERNEL_NAMES) {
    it(name, () => {
      fc.assert(
        fc.property(shape, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (p, seed) => {
          for (const scenario of scenarios(p).filter((s) => s.name === name)) {
            const data = randomData(scenario.lengths, seed);
            const mine = uploadAll(gpujs, data);
            const ref = uploadAll(cpu, data);
            const mag = uploadAll(
              cpu,
              data.map((d) => d.map(Math.abs)),
            );
            const got = scenario.run(gpujs.kernels, mine, (x) => x);
            const want = scenario.run(cpu.kernels, ref, (x) => x);
            const bound = scenario.run(cpu.kernels, mag, Math.abs);
            const { rtol, atol } = toleranceFor('float32', toleranceFactor(mode, scenario.inner));
            if (want !== undefined) {
              expect(Math.abs(got! - want)).toBeLessThanOrEqual(atol + rtol * Math.abs(bound!));
            }
            mine.forEach((buffer, b) => {
              const actual = gpujs.read(buffer);
              const expected = cpu.read(ref[b]!);
              const magnitude = cpu.read(mag[b]!);
              actual.forEach((x, i) => {
                const allowed = atol + rtol * Math.abs(magnitude[i]!);
                if (!(Math.abs(x - expected[i]!) <= allowed)) {
                  throw new Error(
                    `${name} ${JSON.stringify(p)} buffer ${b}[${i}]: got ${x}, expected ${expected[i]}, allowed ±${allowed}`,
                  );
                }
              });
            });
          }
        }),
        { numRuns: runsFor(mode, 8) },
      );
    });
  }
});
