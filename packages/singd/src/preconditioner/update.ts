import { type StructuredMatrix, zeros } from '@singd/structured-matrix';
import type { SingdLayerState } from './layer-state.js';
import { lrCovAt, type ResolvedSingdPreconditionerOptions } from './options.js';

/** Options of {@link updatePreconditioner}. */
export interface UpdateOptions {
  /** The 0-based step t (passed to an lrCov schedule). */
  readonly step: number;
  /** The loss scale s_t of this step. Default 1. */
  readonly gradScale?: number;
  /** The loss scale s_{t−1} of the previous step. Default 1. */
  readonly previousGradScale?: number;
}

function checkScale(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0; got ${String(value)}`);
  }
  return value;
}

function newTerm(
  h: StructuredMatrix,
  p: StructuredMatrix,
  cH: number,
  cP: number,
  rho: number,
): StructuredMatrix {
  // One fresh matrix updated in place: the same kernels, in the same order, as
  // `0 + cH·H + cP·P − I` then `·rho` through new matrices, without three copies.
  const term: StructuredMatrix = zeros(h.spec, h.rows, { dtype: h.dtype, backend: h.backend });
  return term.addInPlace(h, cH).addInPlace(p, cP).addIdentityInPlace(-1).scaleInPlace(rho);
}

/**
 * The preconditioner update of spec §2.5.E1. Consumes the pending H's and returns a new
 * state with updated K, C (and momenta when alpha1 ≠ 0).
 * @throws Error when no capture was accumulated; RangeError for bad scales or step.
 */
export function updatePreconditioner(
  state: SingdLayerState,
  options: ResolvedSingdPreconditionerOptions,
  updateOptions: UpdateOptions,
): SingdLayerState {
  const { step } = updateOptions;
  if (!Number.isInteger(step) || step < 0) {
    throw new RangeError(`step must be a non-negative integer; got ${String(step)}`);
  }
  const s = checkScale(updateOptions.gradScale ?? 1, 'gradScale');
  const sPrev = checkScale(updateOptions.previousGradScale ?? 1, 'previousGradScale');
  const { K, C, pendingHK: hK, pendingHC: hC } = state;
  if (hK === undefined || hC === undefined) {
    throw new Error('updatePreconditioner: no pending H_K/H_C; call accumulateCapture first');
  }
  const { damping, alpha1, kfacLike, normalizeLrCov } = options;
  const u = sPrev / (s * s);
  const pK = K.fromInner();
  const pC = C.fromInner();
  const rho = normalizeLrCov ? 0.5 * (1 - alpha1) : 0.5;
  let cHK: number;
  let cPK: number;
  let cHC: number;
  let cPC: number;
  if (kfacLike) {
    cHK = 1;
    cPK = damping;
    cHC = u;
    cPC = damping;
  } else {
    cHK = u * hC.averageTrace();
    cPK = damping * pC.averageTrace();
    cHC = u * hK.averageTrace();
    cPC = damping * pK.averageTrace();
  }
  let mK = newTerm(hK, pK, cHK, cPK, rho);
  let mC = newTerm(hC, pC, cHC, cPC, rho);
  if (alpha1 !== 0) {
    if (state.mK === undefined || state.mC === undefined) {
      throw new Error('updatePreconditioner: alpha1 ≠ 0 but the state has no momenta');
    }
    // mK, mC are fresh (from newTerm): accumulate in place, exactly as `add` would.
    mK = mK.addInPlace(state.mK, alpha1);
    mC = mC.addInPlace(state.mC, alpha1);
  }
  let betaK = lrCovAt(options.lrCov, step);
  let betaC = betaK;
  if (normalizeLrCov) {
    betaK /= Math.max(1, mK.maxAbsEntry());
    betaC /= Math.max(1, mC.maxAbsEntry());
  }
  const newK = K.add(K.matmul(mK), -betaK);
  const newC = C.add(C.matmul(mC), -betaC);
  const next: SingdLayerState = { K: newK, C: newC };
  return alpha1 !== 0 ? { ...next, mK, mC } : next;
}
