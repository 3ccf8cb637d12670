/**
 * The WebAssembly row-panel and tile paths of the packed triangular `cpu` kernels
 * (`packedTriangularMatmul`, `packedGram`, `packedTriangularProduct`, `packedTransposedGram` on
 * float32/half data above the size threshold, several 128-row panels) bit for bit against scalar
 * float32 loops over the nonzero terms in order (`c = fl(c + fl(a·b))`, half outputs rounded
 * once), on strided, offset views whose surrounding elements must stay untouched; and the scalar
 * fallback for non-finite inputs, where structural zeros must not turn ∞ into NaN.
 */
import { type DType, roundArray } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatrixView, VectorView } from '../../src/backend/buffer.js';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';
import { packedIndex } from '../../src/backend/cpu/packed-triangular.js';
import { PACKED_WASM_MIN_WORK } from '../../src/backend/cpu/packed-triangular-wasm.js';
import { wasmGemmAvailable } from '../../src/backend/cpu/wasm-gemm.js';

const backend = createCpuBackend();
const k = backend.kernels;
const fround = Math.fround;
const FILL = 0.5;

/** Deterministic values in (−1, 1) with some exact zeros and larger magnitudes. */
function values(length: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32 - 0.5;
    return state % 11 === 0 ? 0 : state % 7 === 0 ? u * 64 : u;
  });
}

const stored = (v: number[], dtype: DType) => Array.from(roundArray(null, Float64Array.from(v), dtype));

/** A `rows × cols` matrix at offset 5 with row stride cols + 3, the rest filled with FILL. */
function matrix(dtype: DType, rows: number, cols: number, entries: number[]) {
  const rowStride = cols + 3;
  const host = new Float64Array(5 + rows * rowStride).fill(FILL);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) host[5 + i * rowStride + j] = entries[i * cols + j]!;
  const buffer = backend.upload(dtype, host);
  const view: MatrixView = { buffer, offset: 5, rows, cols, rowStride };
  return { view, read: () => backend.read(buffer) };
}

/** A vector at offset 1 with stride 2, the rest filled with FILL. */
function vector(dtype: DType, entries: number[]) {
  const host = new Float64Array(2 + 2 * entries.length).fill(FILL);
  entries.forEach((v, i) => {
    host[1 + 2 * i] = v;
  });
  const buffer = backend.upload(dtype, host);
  const view: VectorView = { buffer, offset: 1, length: entries.length, stride: 2 };
  return { view, read: () => backend.read(buffer) };
}

/** Dense op(L) (d × d) from a packed triangle. */
function unpack(packed: number[], d: number, lower: boolean, transpose: boolean): number[][] {
  return Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, p) => {
      const [r, c] = transpose ? [p, i] : [i, p];
      return (lower ? r >= c : r <= c) ? packed[packedIndex(lower, d, r, c)]! : 0;
    }),
  );
}

// (d, n): one panel, several panels with a short last one; both above the WebAssembly threshold.
const SHAPES = [
  [70, 30],
  [261, 2],
] as const;
const DTYPES: DType[] = ['float32', 'bfloat16', 'float16'];

describe('cpu packed triangular kernels, WebAssembly row panels', () => {
  it('runs where WebAssembly SIMD is available and every shape takes the panel path', () => {
    expect(wasmGemmAvailable()).toBe(true);
    for (const [d, n] of SHAPES) expect((n * d * (d + 1)) / 2).toBeGreaterThanOrEqual(PACKED_WASM_MIN_WORK);
    for (const d of [90, 261])
      expect((d * (d + 1) * (d + 2)) / 6).toBeGreaterThanOrEqual(PACKED_WASM_MIN_WORK);
  });

  for (const dtype of DTYPES) {
    it(`op(L)·x equals the float32 loop over the nonzero terms bit for bit (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.boolean(),
          fc.boolean(),
          (seed, lower, transpose) => {
            for (const [d, n] of SHAPES) {
              const l = stored(values((d * (d + 1)) / 2, seed), dtype);
              const x = stored(values(d * n, seed + 1), dtype);
              const out = matrix(dtype, d, n, new Array(d * n).fill(0));
              k.packedTriangularMatmul(out.view, vector(dtype, l).view, matrix(dtype, d, n, x).view, {
                lower,
                transpose,
              });
              const op = unpack(l, d, lower, transpose);
              const expected: number[] = [];
              for (let i = 0; i < d; i++) {
                for (let j = 0; j < n; j++) {
                  let c = 0;
                  for (let p = 0; p < d; p++) {
                    if (op[i]![p] !== 0) c = fround(c + fround(op[i]![p]! * x[p * n + j]!));
                  }
                  expected.push(c);
                }
              }
              const want = stored(expected, dtype);
              const whole = Array.from({ length: 5 + d * (n + 3) }, (_, at) => {
                const i = Math.floor((at - 5) / (n + 3));
                const j = at - 5 - i * (n + 3);
                return at >= 5 && j < n ? want[i * n + j]! : FILL;
              });
              expect(Array.from(out.read()), `${d}×${n}`).toEqual(whole);
            }
          },
        ),
        { numRuns: 3 },
      );
    });

    it(`packed s ⊙ (x·xᵀ) equals the float32 dot products bit for bit (${dtype})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, lower) => {
          for (const [d, n] of SHAPES) {
            const x = stored(values(d * n, seed), dtype);
            const size = (d * (d + 1)) / 2;
            const out = vector(dtype, new Array(size).fill(0));
            k.packedGram(out.view, matrix(dtype, d, n, x).view, { lower, offDiagonalScale: 2 });
            const expected = new Array<number>(size);
            for (let i = 0; i < d; i++) {
              for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
                let c = 0;
                for (let t = 0; t < n; t++) c = fround(c + fround(x[i * n + t]! * x[j * n + t]!));
                expected[packedIndex(lower, d, i, j)] = i === j ? c : fround(2 * c);
              }
            }
            const want = stored(expected, dtype);
            const whole = Array.from({ length: 2 * size + 2 }, (_, t) =>
              t % 2 === 1 && t < 2 * size ? want[(t - 1) / 2]! : FILL,
            );
            expect(Array.from(out.read()), `${d}×${n}`).toEqual(whole);
          }
        }),
        { numRuns: 3 },
      );
    });
  }

  // Orders of the triangle-by-triangle kernels: one tile, and several with a short last one.
  const ORDERS = [90, 261] as const;

  /** The packed vector laid out as {@link vector} stores it (stride 2, offset 1, FILL around). */
  const laidOut = (packed: number[]) =>
    Array.from({ length: 2 * packed.length + 2 }, (_, t) =>
      t % 2 === 1 && t < 2 * packed.length ? packed[(t - 1) / 2]! : FILL,
    );

  for (const dtype of DTYPES) {
    it(`packed a·b equals the float32 loop over k in [j, i] (lower) / [i, j] (upper) bit for bit (${dtype})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, lower) => {
          for (const d of ORDERS) {
            const size = (d * (d + 1)) / 2;
            const a = stored(values(size, seed), dtype);
            const b = stored(values(size, seed + 1), dtype);
            const out = vector(dtype, new Array(size).fill(0));
            k.packedTriangularProduct(out.view, vector(dtype, a).view, vector(dtype, b).view, { lower });
            const expected = new Array<number>(size);
            for (let i = 0; i < d; i++) {
              for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
                let c = 0;
                for (let t = lower ? j : i; t <= (lower ? i : j); t++) {
                  c = fround(c + fround(a[packedIndex(lower, d, i, t)]! * b[packedIndex(lower, d, t, j)]!));
                }
                expected[packedIndex(lower, d, i, j)] = c;
              }
            }
            expect(Array.from(out.read()), `d = ${d}`).toEqual(laidOut(stored(expected, dtype)));
          }
        }),
        { numRuns: 2 },
      );
    });

    it(`packed s ⊙ (LᵀL) equals the float32 loop over k bit for bit (${dtype})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, lower) => {
          for (const d of ORDERS) {
            const size = (d * (d + 1)) / 2;
            const l = stored(values(size, seed), dtype);
            const out = vector(dtype, new Array(size).fill(0));
            k.packedTransposedGram(out.view, vector(dtype, l).view, { lower, offDiagonalScale: 2 });
            const expected = new Array<number>(size);
            for (let i = 0; i < d; i++) {
              for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
                // (LᵀL)_ij = Σ_t L_ti L_tj over t ≥ i (lower) or t ≤ i (upper), ascending.
                let c = 0;
                for (let t = lower ? i : 0; t <= (lower ? d - 1 : i); t++) {
                  c = fround(c + fround(l[packedIndex(lower, d, t, i)]! * l[packedIndex(lower, d, t, j)]!));
                }
                expected[packedIndex(lower, d, i, j)] = i === j ? c : fround(2 * c);
              }
            }
            expect(Array.from(out.read()), `d = ${d}`).toEqual(laidOut(stored(expected, dtype)));
          }
        }),
        { numRuns: 2 },
      );
    });
  }

  it('a·b and LᵀL may write over their operands (in-place results equal out-of-place ones)', () => {
    const d = ORDERS[1];
    const size = (d * (d + 1)) / 2;
    for (const lower of [true, false]) {
      const a = stored(values(size, 3), 'float32');
      const b = stored(values(size, 4), 'float32');
      const separate = vector('float32', new Array(size).fill(0));
      k.packedTriangularProduct(separate.view, vector('float32', a).view, vector('float32', b).view, {
        lower,
      });
      const inPlace = vector('float32', a);
      k.packedTriangularProduct(inPlace.view, inPlace.view, vector('float32', b).view, { lower });
      expect(Array.from(inPlace.read())).toEqual(Array.from(separate.read()));
      const gram = vector('float32', new Array(size).fill(0));
      k.packedTransposedGram(gram.view, vector('float32', b).view, { lower, offDiagonalScale: 2 });
      const gramInPlace = vector('float32', b);
      k.packedTransposedGram(gramInPlace.view, gramInPlace.view, { lower, offDiagonalScale: 2 });
      expect(Array.from(gramInPlace.read())).toEqual(Array.from(gram.read()));
    }
  });

  it('a·b and LᵀL fall back to the scalar loop for non-finite operands: no NaN from structural zeros', () => {
    const d = ORDERS[0];
    const size = (d * (d + 1)) / 2;
    for (const lower of [true, false]) {
      const a = stored(values(size, 5), 'float32').map((v) => (v === 0 ? 1 : v));
      const b = a.slice();
      // ∞ on the diagonal corner that only one row/column of the result reaches.
      const corner = lower ? d - 1 : 0;
      b[packedIndex(lower, d, corner, corner)] = Number.POSITIVE_INFINITY;
      const out = vector('float32', new Array(size).fill(0));
      k.packedTriangularProduct(out.view, vector('float32', a).view, vector('float32', b).view, { lower });
      const got = out.read();
      for (let i = 0; i < d; i++) {
        for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
          // (a·b)_ij has the term a_i,corner · ∞ only when column j is the corner and row i reaches it.
          const reaches = j === corner && (lower ? i >= corner : i <= corner);
          const value = got[1 + 2 * packedIndex(lower, d, i, j)]!;
          expect(Number.isFinite(value), `(${i}, ${j})`).toBe(!reaches);
        }
      }
      const gram = vector('float32', new Array(size).fill(0));
      k.packedTransposedGram(gram.view, vector('float32', b).view, { lower, offDiagonalScale: 2 });
      const g = gram.read();
      for (let i = 0; i < d; i++) {
        for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
          // (LᵀL)_ij = Σ_t L_ti L_tj meets ∞ only through t = corner, i.e. when i or j is the corner.
          const reaches = i === corner || j === corner;
          expect(Number.isFinite(g[1 + 2 * packedIndex(lower, d, i, j)]!), `(${i}, ${j})`).toBe(!reaches);
        }
      }
    }
  });

  it('falls back to the scalar loop for non-finite x: structural zeros never meet ∞', () => {
    const [d, n] = SHAPES[0];
    for (const lower of [true, false]) {
      const l = stored(values((d * (d + 1)) / 2, 7), 'float32').map((v) => (v === 0 ? 1 : v));
      const x = stored(values(d * n, 8), 'float32');
      // ∞ in the row of x that only the last (lower) or first (upper) row of L reaches.
      const infiniteRow = lower ? d - 1 : 0;
      for (let j = 0; j < n; j++) x[infiniteRow * n + j] = Number.POSITIVE_INFINITY;
      const out = matrix('float32', d, n, new Array(d * n).fill(0));
      k.packedTriangularMatmul(out.view, vector('float32', l).view, matrix('float32', d, n, x).view, {
        lower,
        transpose: false,
      });
      const got = out.read();
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < n; j++) {
          const value = got[5 + i * (n + 3) + j]!;
          if (i === infiniteRow) expect(Number.isFinite(value)).toBe(false);
          else expect(Number.isFinite(value), `(${i}, ${j})`).toBe(true);
        }
      }
    }
  });
});
