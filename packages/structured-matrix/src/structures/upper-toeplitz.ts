import type { StructureSpec } from '../api.js';
import { type DeviceBuffer, wholeVector } from '../backend/buffer.js';
import { LowerToeplitzMatrix } from './lower-toeplitz.js';
import type { StructureFactory } from './structure-factory.js';
import {
  gramToeplitzCoefficients,
  projectToeplitzCoefficients,
  TriangularToeplitzMatrix,
} from './toeplitz-common.js';

/**
 * An upper triangular Toeplitz matrix (`{ kind: 'upper-toeplitz' }`, spec §3.3): `T_ij = t_{j−i}`
 * for j ≥ i, 0 below the diagonal, stored as the d coefficients `t` (`t_0` on the diagonal).
 * It is the transpose of `LowerToeplitzMatrix` with the same `t`.
 *
 * - `Π(M)`: the same `t` as the lower projection, `t_0 = mean(diag M)`,
 *   `t_k = (Σ_i M_{i,i+k} + Σ_i M_{i+k,i})/(d−k)`; O(d²).
 * - `S·X`: `(TX)_i = Σ_{j≥i} t_{j−i} X_j` (anti-causal convolution); `Sᵀ·X`:
 *   `(TᵀX)_i = Σ_{j≤i} t_{i−j} X_j`. O(n·d·log d) (FFT from d = 48 on the cpu backend).
 * - product: truncated convolution `t''_i = Σ_{j≤i} t_j t'_{i−j}`, O(d·log d); these commute.
 * - `fromInner(X) = Π(Tᵀ X Xᵀ T)` with `Tᵀ` lower: column autocorrelations of `TᵀX`,
 *   O(n·d·log d), O(n·d) memory; `fromInner()`: closed form, O(d·log d).
 * - `averageTrace = t_0`; `addIdentity(v)`: `t_0 += v`; `‖T‖_F = sqrt(Σ_k (d−k) t_k²)`;
 *   `maxAbsEntry = max_k |t_k|`. Storage d.
 *
 * @example
 * ```ts
 * const t = project({ kind: 'upper-toeplitz' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * t.coefficients(); // [11/3, 7, 6]
 * t.toRows(); // [[11/3, 7, 6], [0, 11/3, 7], [0, 0, 11/3]]
 * t.transpose().kind; // 'lower-toeplitz'
 * ```
 */
export class UpperToeplitzMatrix extends TriangularToeplitzMatrix<'upper-toeplitz'> {
  readonly kind = 'upper-toeplitz' as const;
  readonly lower = false;

  /** Wraps a buffer of d coefficients `t_0 … t_{d−1}`. @throws RangeError unless it holds d entries. */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage);
  }

  get spec(): StructureSpec {
    return { kind: 'upper-toeplitz' };
  }

  /** `Tᵀ`: the lower triangular Toeplitz matrix with the same coefficients (a copy). O(d). */
  transpose(): LowerToeplitzMatrix {
    return new LowerToeplitzMatrix(this.size, this.backend.clone(this.storage));
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new UpperToeplitzMatrix(this.size, storage) as this;
  }
}

/** The `upper-toeplitz` structure: storage d, `Π` and `Π(X Xᵀ)` by diagonal sums / autocorrelations. */
export const upperToeplitzStructure: StructureFactory<'upper-toeplitz', UpperToeplitzMatrix> = {
  kind: 'upper-toeplitz',
  validate() {},
  storageSize: (_spec, d) => d,
  zeros: (_spec, d, dtype, backend) => new UpperToeplitzMatrix(d, backend.allocate(dtype, d)),
  identity(_spec, d, dtype, backend) {
    const storage = backend.allocate(dtype, d);
    if (d > 0) backend.kernels.fill(wholeVector(storage, 0, 1), 1);
    return new UpperToeplitzMatrix(d, storage);
  },
  project: (_spec, symmetric) =>
    new UpperToeplitzMatrix(symmetric.rows, projectToeplitzCoefficients(symmetric)),
  // Π(X Xᵀ) is the same for both triangles: t_0 = (1/d)·Σ X², t_k = (2/(d−k))·(autocorrelation at lag k).
  fromMatInner: (_spec, x) => new UpperToeplitzMatrix(x.rows, gramToeplitzCoefficients(x)),
};
