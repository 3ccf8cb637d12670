import { identity, type StructuredMatrix, zeros } from '@singd/structured-matrix';
import type { ResolvedSingdPreconditionerOptions } from './options.js';

/**
 * The SINGD state of one layer (spec §2.5.B). Matrices are treated as immutable values: every
 * function returns a new state with new matrices.
 */
export interface SingdLayerState {
  /** K (d_K × d_K), K Kᵀ ≈ S_K⁻¹. */
  readonly K: StructuredMatrix;
  /** C (d_C × d_C), C Cᵀ ≈ S_C⁻¹. */
  readonly C: StructuredMatrix;
  /** Riemannian momentum of K; absent when alpha1 = 0. */
  readonly mK?: StructuredMatrix;
  /** Riemannian momentum of C; absent when alpha1 = 0. */
  readonly mC?: StructuredMatrix;
  /** Accumulated H_K = Σ Π_K(Kᵀ ÃᵀÃ K) since the last update. */
  readonly pendingHK?: StructuredMatrix;
  /** Accumulated H_C = Σ Π_C(Cᵀ G̃ᵀG̃ C) since the last update. */
  readonly pendingHC?: StructuredMatrix;
}

/** K = I (d_K), C = I (d_C) and zero momenta (only when alpha1 ≠ 0). */
export function initLayerState(
  dK: number,
  dC: number,
  options: ResolvedSingdPreconditionerOptions,
): SingdLayerState {
  const { structures, dtypes } = options;
  const K = identity(structures.K, dK, { dtype: dtypes.K });
  const C = identity(structures.C, dC, { dtype: dtypes.C });
  if (options.alpha1 === 0) return { K, C };
  return {
    K,
    C,
    mK: zeros(structures.K, dK, { dtype: dtypes.K }),
    mC: zeros(structures.C, dC, { dtype: dtypes.C }),
  };
}
