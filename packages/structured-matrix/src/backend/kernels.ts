import type { MatrixView, VectorView } from './buffer.js';

/**
 * Options of {@link Kernels.gemm}: `out ← alpha·op(a)·op(b) + beta·out`, where `op(x)` is `x`
 * or `xᵀ`. With `batch`, the product is repeated `batch.count` times, the views moving by the
 * given element strides each time (block-diagonal products in one call).
 */
export interface GemmOptions {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly alpha: number;
  /** 0 overwrites `out` (its old contents are never read, even NaN). */
  readonly beta: number;
  readonly batch?: {
    readonly count: number;
    readonly strideOut: number;
    readonly strideA: number;
    readonly strideB: number;
  };
}

/** `out ← alpha·f(…) + (accumulate ? out : 0)` for the accumulating kernels. */
export interface AccumulateOptions {
  readonly alpha: number;
  readonly accumulate: boolean;
}

/**
 * The kernel set every backend implements; structured matrices are composed from these alone.
 * All kernels are output-first and write only the elements of `out`'s view. Inputs and output
 * of one call share one dtype, except that float32 buffers may be mixed with half-precision
 * ones (float32 is the compute precision of the half formats: structures keep intermediate
 * sums there); a backend that emulates half formats computes in float32 and rounds every
 * stored result to the buffer's dtype. Aliasing `out` with an input is allowed
 * only where noted.
 *
 * Shapes are the caller's responsibility (structures check them once at their API); kernels
 * assume them. `n` below is the number of columns of the dense operand.
 */
export interface Kernels {
  /** General matrix product, optionally batched. Cost O(m·k·n) per batch item. */
  gemm(out: MatrixView, a: MatrixView, b: MatrixView, options: GemmOptions): void;
  /** `out_ij ← alpha·s_i·x_ij (+ out_ij)`: a diagonal matrix times `x`. O(rows·cols). `out` may alias `x`. */
  scaleRows(out: MatrixView, scale: VectorView, x: MatrixView, options: AccumulateOptions): void;
  /** `out_ij ← alpha·x_ij·s_j (+ out_ij)`: `x` times a diagonal matrix. O(rows·cols). `out` may alias `x`. */
  scaleColumns(out: MatrixView, x: MatrixView, scale: VectorView, options: AccumulateOptions): void;
  /** `out_i ← alpha·x_i + beta·out_i` (beta = 0 never reads `out`). O(length). `out` may alias `x`. */
  axpby(out: VectorView, x: VectorView, alpha: number, beta: number): void;
  /** `out_i ← alpha·a_i·b_i (+ out_i)`. O(length). `out` may alias `a` or `b`. */
  multiply(out: VectorView, a: VectorView, b: VectorView, options: AccumulateOptions): void;
  /** `out_i ← value`. O(length). */
  fill(out: VectorView, value: number): void;
  /** `out_i ← out_i + value`. O(length). */
  addScalar(out: VectorView, value: number): void;
  /** `out ← alpha·op(x) (+ out)`, `op` the identity or the transpose. O(rows·cols). */
  copy(out: MatrixView, x: MatrixView, options: AccumulateOptions & { readonly transpose: boolean }): void;
  /** `out_i ← alpha·Σ_j x_ij² (+ out_i)`. O(rows·cols). */
  rowSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void;
  /** `out_j ← alpha·Σ_i x_ij² (+ out_j)`. O(rows·cols). */
  columnSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void;
  /**
   * Sums along the diagonals of a square `x`: `out_k ← alpha·Σ_i x_{i+k,i} (+ out_k)` for the
   * lower diagonals (`lower`), `x_{i,i+k}` for the upper ones; `k = 0 … out.length−1`. O(d²).
   */
  diagonalSums(
    out: VectorView,
    x: MatrixView,
    options: AccumulateOptions & { readonly lower: boolean },
  ): void;
  /**
   * `out ← T·x` for the triangular Toeplitz `T` with coefficients `t` (length d):
   * lower `T_ij = t_{i−j}` (i ≥ j), upper `T_ij = t_{j−i}` (j ≥ i). Note `lowerᵀ = upper`.
   * O(n·d·log d) by FFT (direct O(n·d²) below a size threshold).
   */
  toeplitzMatmul(out: MatrixView, t: VectorView, x: MatrixView, options: { readonly lower: boolean }): void;
  /** Truncated convolution `out_i ← Σ_{j≤i} a_j·b_{i−j}`, i < d: the product of two triangular Toeplitz matrices. O(d log d). */
  toeplitzProduct(out: VectorView, a: VectorView, b: VectorView): void;
  /**
   * Column autocorrelations summed over columns: `out_k ← alpha·Σ_j Σ_i x_{i,j}·x_{i+k,j}`,
   * `k = 0 … out.length−1` (`x` is d × n). O(n·d·log d) by FFT.
   */
  columnAutocorrelations(out: VectorView, x: MatrixView, options: { readonly alpha: number }): void;
  /**
   * `out ← op(L)·x` for a triangular `L` of order d stored packed row by row (lower: row i
   * holds `L_i0 … L_ii`; upper: row i holds `L_ii … L_i,d−1`), `op` the identity or transpose.
   * O(n·d²/2).
   */
  packedTriangularMatmul(
    out: MatrixView,
    packed: VectorView,
    x: MatrixView,
    options: { readonly lower: boolean; readonly transpose: boolean },
  ): void;
  /** `out ← a·b` for packed triangular a, b of order d (same orientation). O(d³/6). */
  packedTriangularProduct(
    out: VectorView,
    a: VectorView,
    b: VectorView,
    options: { readonly lower: boolean },
  ): void;
  /**
   * Packed triangle of the Gram matrix of the rows of `x` (d × n): `out_ij ← s_ij·Σ_n x_in·x_jn`
   * for i ≥ j (lower) or i ≤ j (upper), with `s_ii = 1` and `s_ij = offDiagonalScale`. O(n·d²/2).
   */
  packedGram(
    out: VectorView,
    x: MatrixView,
    options: { readonly lower: boolean; readonly offDiagonalScale: number },
  ): void;
  /**
   * Packed triangle of `LᵀL` for a packed triangular `L` of order d (same orientation as the
   * output), off-diagonal entries scaled by `offDiagonalScale`. O(d³/6).
   */
  packedTransposedGram(
    out: VectorView,
    packed: VectorView,
    options: { readonly lower: boolean; readonly offDiagonalScale: number },
  ): void;
  /** `Σ_i x_i`. O(length). */
  sum(x: VectorView): number;
  /** `Σ_i x_i²`, accumulated in float64. O(length). */
  sumSquares(x: VectorView): number;
  /** `max_i |x_i|` (NaN if any entry is NaN; 0 for an empty vector). O(length). */
  maxAbs(x: VectorView): number;
}

/** The names of all kernels, for backends and tests that enumerate them. */
export const KERNEL_NAMES = [
  'gemm',
  'scaleRows',
  'scaleColumns',
  'axpby',
  'multiply',
  'fill',
  'addScalar',
  'copy',
  'rowSquaredSums',
  'columnSquaredSums',
  'diagonalSums',
  'toeplitzMatmul',
  'toeplitzProduct',
  'columnAutocorrelations',
  'packedTriangularMatmul',
  'packedTriangularProduct',
  'packedGram',
  'packedTransposedGram',
  'sum',
  'sumSquares',
  'maxAbs',
] as const satisfies readonly (keyof Kernels)[];
