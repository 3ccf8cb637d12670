/**
 * Every `cpu` kernel against a plain float64 loop over the same strided views, for every dtype;
 * the float32 gemm bit for bit against a scalar float32 loop on both of its paths (JavaScript
 * and WebAssembly SIMD); half-precision outputs rounded exactly once.
 */
import { type DType, roundArray, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatrixView, VectorView } from '../../src/backend/buffer.js';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';
import { wasmGemmAvailable } from '../../src/backend/cpu/wasm-gemm.js';

const backend = createCpuBackend();
const k = backend.kernels;
const DTYPES: DType[] = ['float64', 'float32', 'bfloat16', 'float16'];

/** A host-side dense matrix in float64 with a view of it embedded at an offset with padding. */
function embedMatrix(dtype: DType, rows: number, cols: number, values: number[], offset = 3, pad = 2) {
  const rowStride = cols + pad;
  const host = new Float64Array(offset + rows * rowStride + pad).fill(0.5);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) host[offset + i * rowStride + j] = values[i * cols + j]!;
  const buffer = backend.upload(dtype, host);
  const view: MatrixView = { buffer, offset, rows, cols, rowStride };
  return { view, get: (i: number, j: number) => backend.read(buffer)[offset + i * rowStride + j]! };
}

function embedVector(dtype: DType, values: number[], offset = 1, stride = 2) {
  const host = new Float64Array(offset + values.length * stride + 1).fill(0.25);
  values.forEach((v, i) => {
    host[offset + i * stride] = v;
  });
  const buffer = backend.upload(dtype, host);
  const view: VectorView = { buffer, offset, length: values.length, stride };
  return { view, get: (i: number) => backend.read(buffer)[offset + i * stride]! };
}

/** The values as the dtype stores them (inputs are rounded on upload). */
function rounded(values: number[], dtype: DType): number[] {
  return Array.from(roundArray(null, Float64Array.from(values), dtype));
}

function close(actual: number, expected: number, dtype: DType, factor = 4): void {
  const { rtol, atol } = toleranceFor(dtype, factor);
  expect(Math.abs(actual - expected), `${actual} vs ${expected} (${dtype})`).toBeLessThanOrEqual(
    atol + rtol * Math.abs(expected),
  );
}

const entries = (n: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });

describe('cpu gemm', () => {
  for (const dtype of DTYPES) {
    it(`op(A)·op(B)·alpha + beta·C for every transpose combination (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 0, max: 9 }),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom(0, 1, -0.5),
          fc.constantFrom(1, 0.75),
          fc.infiniteStream(fc.double({ min: -2, max: 2, noNaN: true })),
          (m, n, depth, ta, tb, beta, alpha, stream) => {
            const take = (count: number) => rounded(Array.from(stream.take(count)), dtype);
            const aValues = take(m * depth);
            const bValues = take(depth * n);
            const cValues = take(m * n);
            const a = ta ? embedMatrix(dtype, depth, m, aValues) : embedMatrix(dtype, m, depth, aValues);
            const b = tb ? embedMatrix(dtype, n, depth, bValues) : embedMatrix(dtype, depth, n, bValues);
            const c = embedMatrix(dtype, m, n, cValues);
            k.gemm(c.view, a.view, b.view, { transposeA: ta, transposeB: tb, alpha, beta });
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let total = 0;
                for (let p = 0; p < depth; p++) {
                  const x = ta ? aValues[p * m + i]! : aValues[i * depth + p]!;
                  const y = tb ? bValues[j * depth + p]! : bValues[p * n + j]!;
                  total += x * y;
                }
                close(c.get(i, j), alpha * total + beta * cValues[i * n + j]!, dtype, 8);
              }
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('batched gemm multiplies each block with its own strides', () => {
    const blocks = 3;
    const values = Array.from({ length: blocks * 4 }, (_, i) => i + 1);
    const x = Array.from({ length: blocks * 2 * 3 }, (_, i) => (i % 5) - 2);
    const a = backend.upload('float64', values);
    const b = backend.upload('float64', x);
    const out = backend.allocate('float64', blocks * 6);
    k.gemm(
      { buffer: out, offset: 0, rows: 2, cols: 3, rowStride: 3 },
      { buffer: a, offset: 0, rows: 2, cols: 2, rowStride: 2 },
      { buffer: b, offset: 0, rows: 2, cols: 3, rowStride: 3 },
      {
        transposeA: false,
        transposeB: false,
        alpha: 1,
        beta: 0,
        batch: { count: blocks, strideOut: 6, strideA: 4, strideB: 6 },
      },
    );
    const result = backend.read(out);
    for (let block = 0; block < blocks; block++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const expected =
            values[block * 4 + i * 2]! * x[block * 6 + j]! +
            values[block * 4 + i * 2 + 1]! * x[block * 6 + 3 + j]!;
          expect(result[block * 6 + i * 3 + j]).toBe(expected);
        }
      }
    }
  });

  it('beta = 0 overwrites NaN in the output without reading it', () => {
    const out = backend.upload('float32', [Number.NaN, Number.NaN]);
    k.gemm(
      { buffer: out, offset: 0, rows: 1, cols: 2, rowStride: 2 },
      { buffer: backend.upload('float32', [2]), offset: 0, rows: 1, cols: 1, rowStride: 1 },
      { buffer: backend.upload('float32', [3, 4]), offset: 0, rows: 1, cols: 2, rowStride: 2 },
      { transposeA: false, transposeB: false, alpha: 1, beta: 0 },
    );
    expect(Array.from(backend.read(out))).toEqual([6, 8]);
  });

  it('accumulates float32 exactly like a scalar fround loop, on the JavaScript and WebAssembly paths', () => {
    expect(wasmGemmAvailable()).toBe(true);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (const [m, depth, n] of [
      [5, 7, 3],
      [37, 61, 45],
      [64, 64, 64],
    ] as const) {
      const x = Float32Array.from({ length: m * depth }, random);
      const y = Float32Array.from({ length: depth * n }, random);
      const expected = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let c = 0;
          for (let p = 0; p < depth; p++) c = Math.fround(c + Math.fround(x[i * depth + p]! * y[p * n + j]!));
          expected[i * n + j] = c;
        }
      }
      const out = backend.allocate('float32', m * n);
      k.gemm(
        { buffer: out, offset: 0, rows: m, cols: n, rowStride: n },
        { buffer: backend.upload('float32', x), offset: 0, rows: m, cols: depth, rowStride: depth },
        { buffer: backend.upload('float32', y), offset: 0, rows: depth, cols: n, rowStride: n },
        { transposeA: false, transposeB: false, alpha: 1, beta: 0 },
      );
      expect(Array.from(backend.read(out)), `${m}×${depth}×${n}`).toEqual(Array.from(expected));
    }
  });

  it('rounds half-precision outputs once, from the float32 result', () => {
    const x = [1 + 2 ** -9, 3, -1.5, 2 ** -7];
    const out = backend.allocate('bfloat16', 4);
    const a = backend.upload('bfloat16', x);
    k.gemm(
      { buffer: out, offset: 0, rows: 2, cols: 2, rowStride: 2 },
      { buffer: a, offset: 0, rows: 2, cols: 2, rowStride: 2 },
      { buffer: a, offset: 0, rows: 2, cols: 2, rowStride: 2 },
      { transposeA: false, transposeB: false, alpha: 1, beta: 0 },
    );
    const stored = rounded(x, 'bfloat16');
    const f32 = (p: number, q: number, r: number, s: number) =>
      Math.fround(Math.fround(p * q) + Math.fround(r * s));
    const expected = rounded(
      [
        f32(stored[0]!, stored[0]!, stored[1]!, stored[2]!),
        f32(stored[0]!, stored[1]!, stored[1]!, stored[3]!),
        f32(stored[2]!, stored[0]!, stored[3]!, stored[2]!),
        f32(stored[2]!, stored[1]!, stored[3]!, stored[3]!),
      ],
      'bfloat16',
    );
    expect(Array.from(backend.read(out))).toEqual(expected);
  });
});

describe('cpu elementwise and reduction kernels', () => {
  for (const dtype of DTYPES) {
    it(`scaleRows, scaleColumns, copy, squared sums, diagonal sums (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 7 }),
          fc.integer({ min: 1, max: 7 }),
          entries(49),
          entries(7),
          (r, c, raw, rawScale) => {
            const values = rounded(raw.slice(0, r * c), dtype);
            const scale = rounded(rawScale, dtype);
            const x = embedMatrix(dtype, r, c, values);
            const at = (i: number, j: number) => values[i * c + j]!;
            const rowScaled = embedMatrix(dtype, r, c, new Array(r * c).fill(1));
            k.scaleRows(rowScaled.view, embedVector(dtype, scale.slice(0, r)).view, x.view, {
              alpha: 2,
              accumulate: true,
            });
            const colScaled = embedMatrix(dtype, r, c, new Array(r * c).fill(0));
            k.scaleColumns(colScaled.view, x.view, embedVector(dtype, scale.slice(0, c)).view, {
              alpha: 1,
              accumulate: false,
            });
            const transposed = embedMatrix(dtype, c, r, new Array(r * c).fill(0));
            k.copy(transposed.view, x.view, { transpose: true, alpha: -1, accumulate: false });
            for (let i = 0; i < r; i++) {
              for (let j = 0; j < c; j++) {
                close(rowScaled.get(i, j), 1 + 2 * scale[i]! * at(i, j), dtype);
                close(colScaled.get(i, j), at(i, j) * scale[j]!, dtype);
                expect(transposed.get(j, i)).toBe(-at(i, j));
              }
            }
            const rows = embedVector(dtype, new Array(r).fill(0));
            k.rowSquaredSums(rows.view, x.view, { alpha: 0.5, accumulate: false });
            const cols = embedVector(dtype, new Array(c).fill(1));
            k.columnSquaredSums(cols.view, x.view, { alpha: 1, accumulate: true });
            for (let i = 0; i < r; i++)
              close(rows.get(i), 0.5 * values.slice(i * c, i * c + c).reduce((s, v) => s + v * v, 0), dtype);
            for (let j = 0; j < c; j++) {
              let total = 1;
              for (let i = 0; i < r; i++) total += at(i, j) ** 2;
              close(cols.get(j), total, dtype);
            }
            const d = Math.min(r, c);
            const square = embedMatrix(dtype, d, d, values.slice(0, d * d));
            const sq = (i: number, j: number) => values[i * d + j]!;
            for (const lower of [true, false]) {
              const sums = embedVector(dtype, new Array(d).fill(0));
              k.diagonalSums(sums.view, square.view, { lower, alpha: 1, accumulate: false });
              for (let lag = 0; lag < d; lag++) {
                let total = 0;
                for (let i = 0; i + lag < d; i++) total += lower ? sq(i + lag, i) : sq(i, i + lag);
                close(sums.get(lag), total, dtype);
              }
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it(`axpby, multiply, fill, addScalar, sum, sumSquares, maxAbs (${dtype})`, () => {
      fc.assert(
        fc.property(entries(9), entries(9), (rawA, rawB) => {
          const a = rounded(rawA, dtype);
          const b = rounded(rawB, dtype);
          const out = embedVector(dtype, b);
          k.axpby(out.view, embedVector(dtype, a).view, 0.5, -2);
          a.forEach((v, i) => void close(out.get(i), 0.5 * v - 2 * b[i]!, dtype));
          const product = embedVector(dtype, b);
          k.multiply(product.view, embedVector(dtype, a).view, product.view, { alpha: 1, accumulate: true });
          a.forEach((v, i) => void close(product.get(i), b[i]! + v * b[i]!, dtype));
          const filled = embedVector(dtype, a);
          k.fill(filled.view, 3);
          k.addScalar(filled.view, 0.5);
          a.forEach((_, i) => void expect(filled.get(i)).toBe(3.5));
          const view = embedVector(dtype, a).view;
          close(
            k.sum(view),
            a.reduce((s, v) => s + v, 0),
            dtype,
          );
          close(
            k.sumSquares(view),
            a.reduce((s, v) => s + v * v, 0),
            dtype,
          );
          expect(k.maxAbs(view)).toBe(Math.max(...a.map(Math.abs)));
        }),
        { numRuns: 30 },
      );
    });
  }

  it('maxAbs propagates NaN and is 0 for an empty vector', () => {
    expect(
      k.maxAbs({ buffer: backend.upload('float32', [1, Number.NaN, 2]), offset: 0, length: 3, stride: 1 }),
    ).toBeNaN();
    expect(k.maxAbs({ buffer: backend.allocate('float32', 0), offset: 0, length: 0, stride: 1 })).toBe(0);
  });
});

describe('cpu Toeplitz kernels (direct below 48, FFT above)', () => {
  for (const d of [1, 2, 5, 47, 48, 50, 64, 100]) {
    it(`toeplitzMatmul, toeplitzProduct, columnAutocorrelations at d = ${d}`, () => {
      let seed = d;
      const random = () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647 - 0.5;
      };
      const n = 3;
      const t = Array.from({ length: d }, random);
      const t2 = Array.from({ length: d }, random);
      const x = Array.from({ length: d * n }, random);
      const xView = embedMatrix('float64', d, n, x);
      for (const lower of [true, false]) {
        const out = embedMatrix('float64', d, n, new Array(d * n).fill(0));
        k.toeplitzMatmul(out.view, embedVector('float64', t).view, xView.view, { lower });
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < n; j++) {
            let total = 0;
            for (let p = 0; p < d; p++) {
              if (lower && p <= i) total += t[i - p]! * x[p * n + j]!;
              if (!lower && p >= i) total += t[p - i]! * x[p * n + j]!;
            }
            close(out.get(i, j), total, 'float64', 1000);
          }
        }
      }
      const conv = embedVector('float64', new Array(d).fill(0));
      k.toeplitzProduct(conv.view, embedVector('float64', t).view, embedVector('float64', t2).view);
      for (let i = 0; i < d; i++) {
        let total = 0;
        for (let j = 0; j <= i; j++) total += t[j]! * t2[i - j]!;
        close(conv.get(i), total, 'float64', 1000);
      }
      const corr = embedVector('float64', new Array(d).fill(0));
      k.columnAutocorrelations(corr.view, xView.view, { alpha: 2 });
      for (let lag = 0; lag < d; lag++) {
        let total = 0;
        for (let i = 0; i + lag < d; i++)
          for (let j = 0; j < n; j++) total += x[i * n + j]! * x[(i + lag) * n + j]!;
        close(corr.get(lag), 2 * total, 'float64', 1000);
      }
    });
  }
});

describe('cpu packed triangular kernels', () => {
  for (const lower of [true, false]) {
    it(`matmul (±transpose), product, Gram and transposed Gram (${lower ? 'lower' : 'upper'})`, () => {
      for (const d of [1, 2, 3, 6]) {
        const dense = (seed: number) =>
          Array.from({ length: d }, (_, i) =>
            Array.from({ length: d }, (_, j) =>
              (lower ? i >= j : i <= j) ? ((i * 7 + j * 3 + seed) % 5) - 2 : 0,
            ),
          );
        const pack = (m: number[][]) => m.flatMap((row, i) => (lower ? row.slice(0, i + 1) : row.slice(i)));
        const l1 = dense(1);
        const l2 = dense(2);
        const n = 2;
        const x = Array.from({ length: d * n }, (_, i) => (i % 3) - 1);
        for (const transpose of [false, true]) {
          const out = embedMatrix('float64', d, n, new Array(d * n).fill(0));
          k.packedTriangularMatmul(
            out.view,
            embedVector('float64', pack(l1)).view,
            embedMatrix('float64', d, n, x).view,
            {
              lower,
              transpose,
            },
          );
          for (let i = 0; i < d; i++) {
            for (let j = 0; j < n; j++) {
              let total = 0;
              for (let p = 0; p < d; p++) total += (transpose ? l1[p]![i]! : l1[i]![p]!) * x[p * n + j]!;
              expect(out.get(i, j)).toBe(total);
            }
          }
        }
        const size = (d * (d + 1)) / 2;
        const product = embedVector('float64', new Array(size).fill(0));
        k.packedTriangularProduct(
          product.view,
          embedVector('float64', pack(l1)).view,
          embedVector('float64', pack(l2)).view,
          {
            lower,
          },
        );
        const expectedProduct = l1.map((row) =>
          row.map((_, j) => row.reduce((s, v, p) => s + v * l2[p]![j]!, 0)),
        );
        pack(expectedProduct).forEach((v, i) => void expect(product.get(i)).toBe(v));
        const gram = embedVector('float64', new Array(size).fill(0));
        k.packedGram(gram.view, embedMatrix('float64', d, n, x).view, { lower, offDiagonalScale: 2 });
        const xxT = Array.from({ length: d }, (_, i) =>
          Array.from({ length: d }, (_, j) => {
            let total = 0;
            for (let c = 0; c < n; c++) total += x[i * n + c]! * x[j * n + c]!;
            return i === j ? total : 2 * total;
          }),
        );
        pack(xxT).forEach((v, i) => void expect(gram.get(i)).toBe(v));
        const tGram = embedVector('float64', new Array(size).fill(0));
        k.packedTransposedGram(tGram.view, embedVector('float64', pack(l1)).view, {
          lower,
          offDiagonalScale: 2,
        });
        const ltl = l1.map((_, i) =>
          l1.map((_, j) => {
            let total = 0;
            for (let p = 0; p < d; p++) total += l1[p]![i]! * l1[p]![j]!;
            return i === j ? total : 2 * total;
          }),
        );
        pack(ltl).forEach((v, i) => void expect(tGram.get(i)).toBe(v));
      }
    });
  }
});
