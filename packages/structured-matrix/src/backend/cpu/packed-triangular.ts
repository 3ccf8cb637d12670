import type { MatrixView, VectorView } from '../buffer.js';
import { type ComputeArray, KernelScope } from './cpu-buffer.js';
import {
  allFinite,
  allFiniteVector,
  PACKED_WASM_MIN_WORK,
  packedGramF32,
  packedTransposedGramF32,
  packedTriangularMatmulF32,
  packedTriangularProductF32,
} from './packed-triangular-wasm.js';

/**
 * Position of entry (i, j) of a triangular matrix of order d stored packed row by row:
 * lower rows hold `L_i0 … L_ii`, upper rows hold `U_ii … U_i,d−1`.
 */
export function packedIndex(lower: boolean, d: number, i: number, j: number): number {
  return lower ? (i * (i + 1)) / 2 + j : i * d - (i * (i - 1)) / 2 + (j - i);
}

/** Order d of a packed triangle with `length = d(d+1)/2` entries. */
export function packedOrder(length: number): number {
  return Math.round((Math.sqrt(8 * length + 1) - 1) / 2);
}

function gather(source: ComputeArray, view: VectorView): Float64Array {
  const values = new Float64Array(view.length);
  for (let i = 0; i < view.length; i++) values[i] = source[view.offset + i * view.stride]!;
  return values;
}

/**
 * `cpu` kernel: `out ← op(L)·x` for a packed triangular L, O(n·d²/2). Float32/half data with
 * finite x goes to row panels of the WebAssembly SIMD gemm ({@link packedTriangularMatmulF32},
 * float32 accumulation like the dense gemm); float64, small or non-finite inputs use row-axpy
 * loops accumulating in float64.
 */
export function packedTriangularMatmul(
  out: MatrixView,
  packed: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean; readonly transpose: boolean },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const source = scope.array(packed.buffer);
  let xs = scope.array(x.buffer);
  if (xs === o) xs = xs.slice();
  const d = x.rows;
  const n = x.cols;
  const { lower, transpose } = options;
  if (
    o instanceof Float32Array &&
    xs instanceof Float32Array &&
    source instanceof Float32Array &&
    source !== o &&
    (n * d * (d + 1)) / 2 >= PACKED_WASM_MIN_WORK &&
    allFinite(xs, x) &&
    packedTriangularMatmulF32(o, out, source, packed, xs, x, lower, transpose)
  ) {
    scope.commit(out.buffer);
    return;
  }
  const l = gather(source, packed);
  // Entries with p ≤ i contribute to row i when (lower, not transposed) or (upper, transposed).
  const leading = lower !== transpose;
  const row = new Float64Array(n);
  for (let i = 0; i < d; i++) {
    row.fill(0);
    const p0 = leading ? 0 : i;
    const p1 = leading ? i : d - 1;
    for (let p = p0; p <= p1; p++) {
      const coefficient = transpose ? l[packedIndex(lower, d, p, i)]! : l[packedIndex(lower, d, i, p)]!;
      if (coefficient === 0) continue;
      const xRow = x.offset + p * x.rowStride;
      for (let j = 0; j < n; j++) row[j] = row[j]! + coefficient * xs[xRow + j]!;
    }
    const oRow = out.offset + i * out.rowStride;
    for (let j = 0; j < n; j++) o[oRow + j] = row[j]!;
  }
  scope.commit(out.buffer);
}

/**
 * `cpu` kernel: `out ← a·b` for packed triangular a, b of one orientation; O(d³/6). Finite
 * float32/half data goes to tiles of the WebAssembly SIMD gemm ({@link packedTriangularProductF32},
 * float32 accumulation like the dense gemm); float64, small or non-finite inputs use loops
 * accumulating in float64.
 */
export function packedTriangularProduct(
  out: VectorView,
  a: VectorView,
  b: VectorView,
  options: { readonly lower: boolean },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const aData = scope.array(a.buffer);
  const bData = scope.array(b.buffer);
  const d = packedOrder(out.length);
  const { lower } = options;
  if (
    o instanceof Float32Array &&
    aData instanceof Float32Array &&
    bData instanceof Float32Array &&
    (d * (d + 1) * (d + 2)) / 6 >= PACKED_WASM_MIN_WORK &&
    allFiniteVector(aData, a) &&
    allFiniteVector(bData, b) &&
    packedTriangularProductF32(o, out, aData, a, bData, b, d, lower)
  ) {
    scope.commit(out.buffer);
    return;
  }
  const as = gather(aData, a);
  const bs = gather(bData, b);
  for (let i = 0; i < d; i++) {
    const j0 = lower ? 0 : i;
    const j1 = lower ? i : d - 1;
    for (let j = j0; j <= j1; j++) {
      let total = 0;
      // lower: j ≤ k ≤ i; upper: i ≤ k ≤ j.
      const k0 = lower ? j : i;
      const k1 = lower ? i : j;
      for (let k = k0; k <= k1; k++)
        total += as[packedIndex(lower, d, i, k)]! * bs[packedIndex(lower, d, k, j)]!;
      o[out.offset + packedIndex(lower, d, i, j) * out.stride] = total;
    }
  }
  scope.commit(out.buffer);
}

/**
 * `cpu` kernel: packed triangle of `s ⊙ (x·xᵀ)` (off-diagonal scale s); O(n·d²/2). Float32/half
 * data goes to row panels of the WebAssembly SIMD gemm ({@link packedGramF32}, float32
 * accumulation like the dense gemm); float64 and small inputs use dot-product loops accumulating
 * in float64.
 */
export function packedGram(
  out: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean; readonly offDiagonalScale: number },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  let xs = scope.array(x.buffer);
  if (xs === o) xs = xs.slice();
  const d = x.rows;
  const n = x.cols;
  if (
    o instanceof Float32Array &&
    xs instanceof Float32Array &&
    n > 0 &&
    (n * d * (d + 1)) / 2 >= PACKED_WASM_MIN_WORK &&
    packedGramF32(o, out, xs, x, options.lower, options.offDiagonalScale)
  ) {
    scope.commit(out.buffer);
    return;
  }
  for (let i = 0; i < d; i++) {
    const j0 = options.lower ? 0 : i;
    const j1 = options.lower ? i : d - 1;
    const ri = x.offset + i * x.rowStride;
    for (let j = j0; j <= j1; j++) {
      const rj = x.offset + j * x.rowStride;
      let total = 0;
      for (let c = 0; c < n; c++) total += xs[ri + c]! * xs[rj + c]!;
      o[out.offset + packedIndex(options.lower, d, i, j) * out.stride] =
        i === j ? total : options.offDiagonalScale * total;
    }
  }
  scope.commit(out.buffer);
}

/**
 * `cpu` kernel: packed triangle of `s ⊙ (LᵀL)` for a packed triangular L; O(d³/6). Finite
 * float32/half data goes to tiles of the WebAssembly SIMD gemm ({@link packedTransposedGramF32});
 * float64, small or non-finite inputs use loops accumulating in float64.
 */
export function packedTransposedGram(
  out: VectorView,
  packed: VectorView,
  options: { readonly lower: boolean; readonly offDiagonalScale: number },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const source = scope.array(packed.buffer);
  const d = packedOrder(packed.length);
  const { lower } = options;
  if (
    o instanceof Float32Array &&
    source instanceof Float32Array &&
    (d * (d + 1) * (d + 2)) / 6 >= PACKED_WASM_MIN_WORK &&
    allFiniteVector(source, packed) &&
    packedTransposedGramF32(o, out, source, packed, d, lower, options.offDiagonalScale)
  ) {
    scope.commit(out.buffer);
    return;
  }
  const l = gather(source, packed);
  for (let i = 0; i < d; i++) {
    const j0 = lower ? 0 : i;
    const j1 = lower ? i : d - 1;
    for (let j = j0; j <= j1; j++) {
      // (LᵀL)_ij = Σ_k L_ki L_kj; lower: k ≥ max(i, j) = i; upper: k ≤ min(i, j) = i.
      let total = 0;
      const k0 = lower ? i : 0;
      const k1 = lower ? d - 1 : i;
      for (let k = k0; k <= k1; k++)
        total += l[packedIndex(lower, d, k, i)]! * l[packedIndex(lower, d, k, j)]!;
      o[out.offset + packedIndex(lower, d, i, j) * out.stride] =
        i === j ? total : options.offDiagonalScale * total;
    }
  }
  scope.commit(out.buffer);
}
