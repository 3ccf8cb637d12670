import { DenseMatrix } from '@singd/structured-matrix';
import type { SingdLayerState } from './layer-state.js';

/** Options of {@link naturalGradient}. */
export interface NaturalGradientOptions {
  /** The loss scale s_t; the gradient is divided by it. Default 1. */
  readonly gradScale?: number;
}

/**
 * The natural gradient `C Cᵀ (Γ/s) K Kᵀ` of spec §2.5.E2, with true transposes: the K products
 * run in K's dtype (`Γ K Kᵀ = (K (Kᵀ Γᵀ))ᵀ`), then the C products in C's dtype.
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
  const gammaT = DenseMatrix.fromArray(values, dC, dK, K.dtype, K.backend).transpose();
  const g1 = K.matmul(K.transposeMatmul(gammaT)).transpose();
  const g1C = g1.dtype === C.dtype ? g1 : g1.toDtype(C.dtype);
  const g2 = C.matmul(C.transposeMatmul(g1C));
  return g2.toFloat64Array();
}
