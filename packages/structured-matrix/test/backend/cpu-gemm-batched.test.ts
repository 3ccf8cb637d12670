/**
 * The batched WebAssembly float32 gemm (one call for all items of a batched `gemm`) against a
 * scalar float32 loop `c = fl(c + fl(fl(alpha·a)·b))` after `c = fl(beta·c)`, bit for bit
 * (rows shorter and longer than the 64 elements from which rows are copied with `set`):
 * directly (every transpose, alpha, beta, strided and padded items, several chunks) and through
 * the `gemm` kernel, where it must also leave every element outside the output views untouched
 * and keep the in-order semantics of batches whose output items overlap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';
import { wasmGemmAvailable, wasmGemmF32Batched } from '../../src/backend/cpu/wasm-gemm.js';

const fround = Math.fround;

interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly count: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly alpha: number;
  readonly beta: number;
  readonly pad: number;
  readonly seed: number;
}

/** Deterministic float32 values in (−1, 1) with a few exact zeros and large magnitudes. */
function values(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const u = state / 2 ** 32 - 0.5;
    return state % 17 === 0 ? 0 : state % 13 === 0 ? u * 1e4 : u;
  });
}

/** Storage of `count` items, each `rows × cols` with row stride cols + pad, `pad` apart. */
function layout(rows: number, cols: number, count: number, pad: number) {
  const ld = cols + pad;
  const stride = rows * ld + pad;
  return { ld, stride, offset: pad, length: pad + count * stride };
}

function reference(c: Case, a: Float32Array, b: Float32Array, out: Float32Array) {
  const { m, n, k, count, transposeA, transposeB, alpha, beta } = c;
  const la = transposeA ? layout(k, m, count, c.pad) : layout(m, k, count, c.pad);
  const lb = transposeB ? layout(n, k, count, c.pad) : layout(k, n, count, c.pad);
  const lc = layout(m, n, count, c.pad);
  const result = out.slice();
  for (let t = 0; t < count; t++) {
    const at = (i: number, p: number) =>
      a[la.offset + t * la.stride + (transposeA ? p * la.ld + i : i * la.ld + p)]!;
    const bt = (p: number, j: number) =>
      b[lb.offset + t * lb.stride + (transposeB ? j * lb.ld + p : p * lb.ld + j)]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const index = lc.offset + t * lc.stride + i * lc.ld + j;
        let sum = beta === 0 ? 0 : fround(result[index]! * beta);
        for (let p = 0; p < k; p++) sum = fround(sum + fround(fround(alpha * at(i, p)) * bt(p, j)));
        result[index] = sum;
      }
    }
  }
  return result;
}

function operands(c: Case) {
  const la = c.transposeA ? layout(c.k, c.m, c.count, c.pad) : layout(c.m, c.k, c.count, c.pad);
  const lb = c.transposeB ? layout(c.n, c.k, c.count, c.pad) : layout(c.k, c.n, c.count, c.pad);
  const lc = layout(c.m, c.n, c.count, c.pad);
  return {
    la,
    lb,
    lc,
    a: values(la.length, c.seed),
    b: values(lb.length, c.seed + 1),
    out: values(lc.length, c.seed + 2),
  };
}

const caseArbitrary = (sizes: { maxM: number; maxN: number; maxK: number; maxCount: number }) =>
  fc.record({
    m: fc.integer({ min: 1, max: sizes.maxM }),
    n: fc.integer({ min: 1, max: sizes.maxN }),
    k: fc.integer({ min: 1, max: sizes.maxK }),
    count: fc.integer({ min: 1, max: sizes.maxCount }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    alpha: fc.constantFrom(1, -0.5, 0.3),
    beta: fc.constantFrom(0, 1, 0.7),
    pad: fc.integer({ min: 0, max: 3 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
  });

describe('batched WebAssembly float32 gemm', () => {
  it('equals the scalar float32 loop bit for bit, in one chunk or many', () => {
    expect(wasmGemmAvailable()).toBe(true);
    fc.assert(
      fc.property(
        caseArbitrary({ maxM: 13, maxN: 80, maxK: 300, maxCount: 5 }),
        fc.constantFrom(1, 4096, 1 << 23),
        (c, chunkBytes) => {
          const { la, lb, lc, a, b, out } = operands(c);
          const expected = reference(c, a, b, out);
          const ok = wasmGemmF32Batched(
            { data: out, offset: lc.offset, stride: lc.stride, ld: lc.ld },
            { data: a, offset: la.offset, stride: la.stride, ld: la.ld, transpose: c.transposeA },
            { data: b, offset: lb.offset, stride: lb.stride, ld: lb.ld, transpose: c.transposeB },
            { m: c.m, n: c.n, k: c.k, count: c.count },
            c.alpha,
            c.beta,
            chunkBytes,
          );
          expect(ok).toBe(true);
          expect(Array.from(out)).toEqual(Array.from(expected));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is what the batched gemm kernel computes, touching only the output views', () => {
    const backend = createCpuBackend();
    fc.assert(
      fc.property(caseArbitrary({ maxM: 36, maxN: 36, maxK: 70, maxCount: 6 }), (drawn) => {
        // Enough work for the WebAssembly path: count·m·n·k ≥ 16384.
        const c = { ...drawn, m: drawn.m + 8, n: drawn.n + 8, k: drawn.k + 16, count: drawn.count + 3 };
        const { la, lb, lc, a, b, out } = operands(c);
        const expected = reference(c, a, b, out);
        const outBuffer = backend.upload('float32', out);
        backend.kernels.gemm(
          { buffer: outBuffer, offset: lc.offset, rows: c.m, cols: c.n, rowStride: lc.ld },
          {
            buffer: backend.upload('float32', a),
            offset: la.offset,
            rows: c.transposeA ? c.k : c.m,
            cols: c.transposeA ? c.m : c.k,
            rowStride: la.ld,
          },
          {
            buffer: backend.upload('float32', b),
            offset: lb.offset,
            rows: c.transposeB ? c.n : c.k,
            cols: c.transposeB ? c.k : c.n,
            rowStride: lb.ld,
          },
          {
            transposeA: c.transposeA,
            transposeB: c.transposeB,
            alpha: c.alpha,
            beta: c.beta,
            batch: { count: c.count, strideOut: lc.stride, strideA: la.stride, strideB: lb.stride },
          },
        );
        expect(Array.from(backend.read(outBuffer))).toEqual(Array.from(expected));
      }),
      { numRuns: 25 },
    );
  });

  it('overwrites NaN in the outputs without reading them when beta = 0', () => {
    const m = 9;
    const n = 10;
    const k = 40;
    const count = 5;
    const a = values(count * m * k, 3);
    const b = values(count * k * n, 4);
    const out = new Float32Array(count * m * n).fill(Number.NaN);
    const c: Case = {
      m,
      n,
      k,
      count,
      transposeA: false,
      transposeB: false,
      alpha: 1,
      beta: 0,
      pad: 0,
      seed: 3,
    };
    const expected = reference(c, a, b, new Float32Array(out.length));
    wasmGemmF32Batched(
      { data: out, offset: 0, stride: m * n, ld: n },
      { data: a, offset: 0, stride: m * k, ld: k, transpose: false },
      { data: b, offset: 0, stride: k * n, ld: n, transpose: false },
      { m, n, k, count },
      1,
      0,
    );
    expect(Array.from(out)).toEqual(Array.from(expected));
  });

  it('accumulates item after item when the output items overlap (strideOut = 0, beta = 1)', () => {
    const backend = createCpuBackend();
    const size = 32;
    const count = 3;
    const a = values(count * size * size, 7);
    const b = values(count * size * size, 8);
    const start = values(size * size, 9);
    const expected = start.slice();
    for (let t = 0; t < count; t++) {
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          let sum = expected[i * size + j]!;
          for (let p = 0; p < size; p++) {
            sum = fround(
              sum + fround(a[t * size * size + i * size + p]! * b[t * size * size + p * size + j]!),
            );
          }
          expected[i * size + j] = sum;
        }
      }
    }
    const out = backend.upload('float32', start);
    const view = (buffer: typeof out) => ({ buffer, offset: 0, rows: size, cols: size, rowStride: size });
    backend.kernels.gemm(view(out), view(backend.upload('float32', a)), view(backend.upload('float32', b)), {
      transposeA: false,
      transposeB: false,
      alpha: 1,
      beta: 1,
      batch: { count, strideOut: 0, strideA: size * size, strideB: size * size },
    });
    expect(Array.from(backend.read(out))).toEqual(Array.from(expected));
  });
});
