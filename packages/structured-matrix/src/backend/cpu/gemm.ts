import type { MatrixView } from '../buffer.js';
import type { GemmOptions } from '../kernels.js';
import { type ComputeArray, KernelScope } from './cpu-buffer.js';
import { wasmGemmF32, wasmGemmF32Batched } from './wasm-gemm.js';

/** Depth of one k-panel: keeps a panel of B (KB × n) hot in cache. */
const KB = 128;
/** Width of one column panel of C and B. */
const NB = 512;
/** Below this many multiply-adds the WebAssembly call's copies cost more than they save. */
const WASM_MIN_WORK = 16384;

/**
 * `C[m×n] += A[m×k]·B[k×n]` on row-major arrays with leading dimensions, cache-blocked over
 * (k, j) panels and register-blocked four rows of C at a time: each loaded `B[k][j]` feeds
 * four multiply-adds. C is stored after every k, so the accumulation order (p = 0 … k−1) does
 * not depend on the blocking. For float32 arrays every product and sum is rounded to float32
 * (`fround(c + fround(x·y))`), matching the WebAssembly SIMD kernel bit for bit; float64
 * arrays accumulate in float64.
 */
function accumulateProduct(
  c: ComputeArray,
  cOffset: number,
  ldc: number,
  a: ComputeArray,
  aOffset: number,
  lda: number,
  b: ComputeArray,
  bOffset: number,
  ldb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
): void {
  if (c instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array) {
    if (
      m * n * k >= WASM_MIN_WORK &&
      wasmGemmF32(c, cOffset, ldc, a, aOffset, lda, b, bOffset, ldb, m, n, k, alpha)
    ) {
      return;
    }
    accumulateProduct32(c, cOffset, ldc, a, aOffset, lda, b, bOffset, ldb, m, n, k, alpha);
    return;
  }
  accumulateProduct64(c, cOffset, ldc, a, aOffset, lda, b, bOffset, ldb, m, n, k, alpha);
}

function accumulateProduct32(
  c: Float32Array,
  cOffset: number,
  ldc: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
): void {
  const fround = Math.fround;
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    for (let j0 = 0; j0 < n; j0 += NB) {
      const j1 = Math.min(n, j0 + NB);
      let i = 0;
      for (; i + 3 < m; i += 4) {
        const c0 = cOffset + i * ldc;
        const c1 = c0 + ldc;
        const c2 = c1 + ldc;
        const c3 = c2 + ldc;
        const a0 = aOffset + i * lda;
        for (let p = k0; p < k1; p++) {
          const x0 = fround(alpha * a[a0 + p]!);
          const x1 = fround(alpha * a[a0 + lda + p]!);
          const x2 = fround(alpha * a[a0 + 2 * lda + p]!);
          const x3 = fround(alpha * a[a0 + 3 * lda + p]!);
          const bRow = bOffset + p * ldb;
          for (let j = j0; j < j1; j++) {
            const y = b[bRow + j]!;
            c[c0 + j] = c[c0 + j]! + fround(x0 * y);
            c[c1 + j] = c[c1 + j]! + fround(x1 * y);
            c[c2 + j] = c[c2 + j]! + fround(x2 * y);
            c[c3 + j] = c[c3 + j]! + fround(x3 * y);
          }
        }
      }
      for (; i < m; i++) {
        const c0 = cOffset + i * ldc;
        const a0 = aOffset + i * lda;
        for (let p = k0; p < k1; p++) {
          const x0 = fround(alpha * a[a0 + p]!);
          const bRow = bOffset + p * ldb;
          for (let j = j0; j < j1; j++) c[c0 + j] = c[c0 + j]! + fround(x0 * b[bRow + j]!);
        }
      }
    }
  }
}

function accumulateProduct64(
  c: ComputeArray,
  cOffset: number,
  ldc: number,
  a: ComputeArray,
  aOffset: number,
  lda: number,
  b: ComputeArray,
  bOffset: number,
  ldb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
): void {
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    for (let j0 = 0; j0 < n; j0 += NB) {
      const j1 = Math.min(n, j0 + NB);
      let i = 0;
      for (; i + 3 < m; i += 4) {
        const c0 = cOffset + i * ldc;
        const c1 = c0 + ldc;
        const c2 = c1 + ldc;
        const c3 = c2 + ldc;
        const a0 = aOffset + i * lda;
        for (let p = k0; p < k1; p++) {
          const x0 = alpha * a[a0 + p]!;
          const x1 = alpha * a[a0 + lda + p]!;
          const x2 = alpha * a[a0 + 2 * lda + p]!;
          const x3 = alpha * a[a0 + 3 * lda + p]!;
          const bRow = bOffset + p * ldb;
          for (let j = j0; j < j1; j++) {
            const y = b[bRow + j]!;
            c[c0 + j] = c[c0 + j]! + x0 * y;
            c[c1 + j] = c[c1 + j]! + x1 * y;
            c[c2 + j] = c[c2 + j]! + x2 * y;
            c[c3 + j] = c[c3 + j]! + x3 * y;
          }
        }
      }
      for (; i < m; i++) {
        const c0 = cOffset + i * ldc;
        const a0 = aOffset + i * lda;
        for (let p = k0; p < k1; p++) {
          const x0 = alpha * a[a0 + p]!;
          const bRow = bOffset + p * ldb;
          for (let j = j0; j < j1; j++) c[c0 + j] = c[c0 + j]! + x0 * b[bRow + j]!;
        }
      }
    }
  }
}

/** Copies the transpose of a `rows × cols` view into a new contiguous `cols × rows` array. */
function packTransposed(
  source: ComputeArray,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
): ComputeArray {
  const packed = new (source.constructor as new (length: number) => ComputeArray)(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = offset + i * ld;
    for (let j = 0; j < cols; j++) packed[j * rows + i] = source[row + j]!;
  }
  return packed;
}

/**
 * The `cpu` implementation of the `gemm` kernel (see {@link GemmOptions}). A float32 batch
 * whose output items neither overlap nor share storage with the inputs goes to the WebAssembly
 * kernel in one call ({@link wasmGemmF32Batched}: all items copied in and out once); every
 * other call loops over the batch items, in order. Both give the same float32 results bit for
 * bit.
 */
export function gemm(out: MatrixView, a: MatrixView, b: MatrixView, options: GemmOptions): void {
  const scope = new KernelScope();
  const c = scope.array(out.buffer);
  const aArray = scope.array(a.buffer);
  const bArray = scope.array(b.buffer);
  const m = out.rows;
  const n = out.cols;
  const k = options.transposeA ? a.rows : a.cols;
  const batch = options.batch ?? { count: 1, strideOut: 0, strideA: 0, strideB: 0 };
  if (
    batch.count > 1 &&
    k > 0 &&
    options.alpha !== 0 &&
    c instanceof Float32Array &&
    aArray instanceof Float32Array &&
    bArray instanceof Float32Array &&
    c !== aArray &&
    c !== bArray &&
    // Output items must not overlap: the loop below lets item t read what item t − 1 wrote.
    batch.strideOut >= (m - 1) * out.rowStride + n &&
    batch.count * m * n * k >= WASM_MIN_WORK &&
    wasmGemmF32Batched(
      { data: c, offset: out.offset, stride: batch.strideOut, ld: out.rowStride },
      {
        data: aArray,
        offset: a.offset,
        stride: batch.strideA,
        ld: a.rowStride,
        transpose: options.transposeA,
      },
      {
        data: bArray,
        offset: b.offset,
        stride: batch.strideB,
        ld: b.rowStride,
        transpose: options.transposeB,
      },
      { m, n, k, count: batch.count },
      options.alpha,
      options.beta,
    )
  ) {
    scope.commit(out.buffer);
    return;
  }
  for (let item = 0; item < batch.count; item++) {
    const cOffset = out.offset + item * batch.strideOut;
    // C ← beta·C (beta = 0 overwrites without reading).
    for (let i = 0; i < m; i++) {
      const row = cOffset + i * out.rowStride;
      if (options.beta === 0) c.fill(0, row, row + n);
      else if (options.beta !== 1) for (let j = 0; j < n; j++) c[row + j] = c[row + j]! * options.beta;
    }
    if (k === 0 || options.alpha === 0) continue;
    let aData = aArray;
    let aOffset = a.offset + item * batch.strideA;
    let lda = a.rowStride;
    if (options.transposeA) {
      aData = packTransposed(aArray, aOffset, lda, a.rows, a.cols);
      aOffset = 0;
      lda = a.rows;
    }
    let bData = bArray;
    let bOffset = b.offset + item * batch.strideB;
    let ldb = b.rowStride;
    if (options.transposeB) {
      bData = packTransposed(bArray, bOffset, ldb, b.rows, b.cols);
      bOffset = 0;
      ldb = b.rows;
    }
    // An output that aliases an input would be read while written: compute into a copy.
    if (c === aData || c === bData) {
      const result = new (c.constructor as new (length: number) => ComputeArray)(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) result[i * n + j] = c[cOffset + i * out.rowStride + j]!;
      accumulateProduct(result, 0, n, aData, aOffset, lda, bData, bOffset, ldb, m, n, k, options.alpha);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) c[cOffset + i * out.rowStride + j] = result[i * n + j]!;
    } else {
      accumulateProduct(
        c,
        cOffset,
        out.rowStride,
        aData,
        aOffset,
        lda,
        bData,
        bOffset,
        ldb,
        m,
        n,
        k,
        options.alpha,
      );
    }
  }
  scope.commit(out.buffer);
}
