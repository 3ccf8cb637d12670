import { DenseMatrix, type StructuredMatrix } from '@singd/structured-matrix';
import type { SingdLayerState } from './layer-state.js';

/** Options of {@link naturalGradient}. */
export interface NaturalGradientOptions {
  /** The loss scale s_t; the gradient is divided by it. Default 1. */
  readonly gradScale?: number;
}

/** Rounds a float64 value to a float32/float64 dtype (the cpu kernels' store). */
type Round = (x: number) => number;

const identity: Round = (x) => x;

/**
 * The diagonal `δ` of `M` and its dtype's rounding when `M` is a diagonal matrix of the `cpu`
 * backend in float32/float64 — then `S·X` is exactly `round(δ_i·x_ij)` per entry (the cpu
 * `scaleRows` kernel) and can be fused without building dense matrices; `null` otherwise.
 */
function fusableDiagonal(
  m: StructuredMatrix,
): { readonly delta: Float64Array; readonly round: Round } | null {
  if (m.kind !== 'diagonal' || m.backend.name !== 'cpu') return null;
  if (m.dtype !== 'float32' && m.dtype !== 'float64') return null;
  return { delta: m.backend.read(m.storage), round: m.dtype === 'float32' ? Math.fround : identity };
}

/**
 * `Γ K Kᵀ` as float64 values of K's dtype, d_C × d_K row-major: through dense products
 * `(K (Kᵀ Γᵀ))ᵀ` in K's dtype, or, for a fusable diagonal K, per entry
 * `r(k_j·r(k_j·r(γ_ij)))` with `r` the rounding to K's dtype (the same numbers, without the
 * transposes and intermediate matrices).
 */
function rightProducts(K: StructuredMatrix, values: Float64Array, dC: number, dK: number): Float64Array {
  const diagonal = fusableDiagonal(K);
  if (diagonal === null) {
    const gammaT = DenseMatrix.fromArray(values, dC, dK, K.dtype, K.backend).transpose();
    return K.matmul(K.transposeMatmul(gammaT)).transpose().toFloat64Array();
  }
  const { delta: k, round } = diagonal;
  const out = new Float64Array(dC * dK);
  for (let i = 0; i < dC; i++) {
    const row = i * dK;
    for (let j = 0; j < dK; j++) {
      const kj = k[j]!;
      out[row + j] = round(kj * round(kj * round(values[row + j]!)));
    }
  }
  return out;
}

/**
 * The natural gradient `C Cᵀ (Γ/s) K Kᵀ` of spec §2.5.E2, with true transposes: the K products
 * run in K's dtype (`Γ K Kᵀ = (K (Kᵀ Γᵀ))ᵀ`), then the C products in C's dtype.
 *
 * Diagonal K or C (float32/float64, cpu backend) take a fused path: column (row) scalings
 * `r(δ·r(δ·x))` entry by entry, rounding to the factor dtype after each product exactly as
 * the dense path does, so the result is bit-identical while skipping the transposes and the
 * intermediate matrices. Cost: `O(d_C·d_K)` for diagonal factors; otherwise that of the
 * structured products plus two `O(d_C·d_K)` transposes.
 *
 * @param gradient Γ = [∇W | ∇b], d_C × d_K row-major.
 * @returns a new float64 d_C × d_K row-major array.
 * @throws RangeError for a wrong length or sizes that do not match the state.
 */
export function naturalGradient(
  state: SingdLayerState,
  gradient: Float64Array,
  dC: number,
  dK: number,
  options: NaturalGradientOptions = {},
): Float64Array {
  const { K, C } = state;
  if (K.rows !== dK || C.rows !== dC) {
    throw new RangeError(
      `naturalGradient: state has d_K = ${K.rows}, d_C = ${C.rows}; got dK = ${dK}, dC = ${dC}`,
    );
  }
  if (gradient.length !== dC * dK) {
    throw new RangeError(
      `naturalGradient: gradient must have dC·dK = ${dC * dK} entries; got ${gradient.length}`,
    );
  }
  const s = options.gradScale ?? 1;
  if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) {
    throw new RangeError(`gradScale must be a finite number > 0; got ${String(s)}`);
  }
  let values: Float64Array = gradient;
  if (s !== 1) values = gradient.map((v) => v / s);
  const diagonalC = fusableDiagonal(C);
  const diagonalK = fusableDiagonal(K);
  if (diagonalC === null && diagonalK === null) {
    const gammaT = DenseMatrix.fromArray(values, dC, dK, K.dtype, K.backend).transpose();
    const g1 = K.matmul(K.transposeMatmul(gammaT)).transpose();
    const g1C = g1.dtype === C.dtype ? g1 : g1.toDtype(C.dtype);
    return C.matmul(C.transposeMatmul(g1C)).toFloat64Array();
  }
  const g1 = rightProducts(K, values, dC, dK);
  if (diagonalC === null) {
    // Uploading to C's dtype rounds like `toDtype` (the values are exact in K's dtype).
    const g1C = DenseMatrix.fromArray(g1, dC, dK, C.dtype, C.backend);
    return C.matmul(C.transposeMatmul(g1C)).toFloat64Array();
  }
  const { delta: c, round } = diagonalC;
  for (let i = 0; i < dC; i++) {
    const ci = c[i]!;
    const row = i * dK;
    for (let j = 0; j < dK; j++) g1[row + j] = round(ci * round(ci * round(g1[row + j]!)));
  }
  return g1;
}
