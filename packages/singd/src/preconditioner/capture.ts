import type { DenseMatrix } from '@singd/structured-matrix';
import type { SingdLayerState } from './layer-state.js';

/** Options of {@link accumulateCapture}. */
export interface CaptureOptions {
  /** The loss scale s_{t−1} of the previous step; G̃ is divided by √s_prev. Default 1. */
  readonly previousGradScale?: number;
}

/**
 * Adds one capture to the pending curvature (spec §2.5.C): `H_K += K.fromInner(Ãᵀ)`,
 * `H_C += C.fromInner((G̃/√s_prev)ᵀ)`, both with the current K, C. Returns a new state.
 * @param processedInputs Ã (rows × d_K); cast to K's dtype if needed.
 * @param processedGrads G̃ (rows × d_C); cast to C's dtype if needed.
 * @throws RangeError for mismatched sizes or a non-positive previousGradScale.
 */
export function accumulateCapture(
  state: SingdLayerState,
  processedInputs: DenseMatrix,
  processedGrads: DenseMatrix,
  options: CaptureOptions = {},
): SingdLayerState {
  const sPrev = options.previousGradScale ?? 1;
  if (typeof sPrev !== 'number' || !Number.isFinite(sPrev) || sPrev <= 0) {
    throw new RangeError(`previousGradScale must be a finite number > 0; got ${String(sPrev)}`);
  }
  const { K, C } = state;
  if (processedInputs.cols !== K.rows) {
    throw new RangeError(`processedInputs must have d_K = ${K.rows} columns; got ${processedInputs.cols}`);
  }
  if (processedGrads.cols !== C.rows) {
    throw new RangeError(`processedGrads must have d_C = ${C.rows} columns; got ${processedGrads.cols}`);
  }
  const a = processedInputs.dtype === K.dtype ? processedInputs : processedInputs.toDtype(K.dtype);
  let g = processedGrads.dtype === C.dtype ? processedGrads : processedGrads.toDtype(C.dtype);
  if (sPrev !== 1) g = g.scale(1 / Math.sqrt(sPrev));
  const hK = K.fromInner(a.transpose());
  const hC = C.fromInner(g.transpose());
  return {
    ...state,
    pendingHK: state.pendingHK === undefined ? hK : state.pendingHK.add(hK),
    pendingHC: state.pendingHC === undefined ? hC : state.pendingHC.add(hC),
  };
}
