import type { StructureSpec } from '../api.js';
import { type DeviceBuffer, wholeVector } from '../backend/buffer.js';
import type { StructureFactory } from './structure-factory.js';
import {
  gramToeplitzCoefficients,
  projectToeplitzCoefficients,
  TriangularToeplitzMatrix,
} from './toeplitz-common.js';
import { UpperToeplitzMatrix } from './upper-toeplitz.js';

/**
 * A lower triangular Toeplitz matrix (`{ kind: 'lower-toeplitz' }`, spec §3.3): `T_ij = t_{i−j}`
 * for i ≥ j, 0 above the diagonal, stored as the d coefficients `t` (`t_0` on the diagonal).
 *
 * - `Π(M)`: `t_0 = mean(diag M)`, `t_k = (Σ_i M_{i+k,i} + Σ_i M_{i,i+k})/(d−k)` (the factor-2
 *   rule, then the average over the k-th diagonal); O(d²).
 * - `S·X`: causal convolution of each column, `(TX)_i = Σ_{j≤i} t_{i−j} X_j`; `Sᵀ·X`:
 *   `(TᵀX)_i = Σ_{j≥i} t_{j−i} X_j`. O(n·d·log d) (FFT from d = 48 on the cpu backend).
 * - product: truncated convolution `t''_i = Σ_{j≤i} t_j t'_{i−j}`, O(d·log d); these commute.
 * - `fromInner(X)`: column autocorrelations of `TᵀX`, O(n·d·log d), O(n·d) memory;
 *   `fromInner()`: closed form, O(d·log d).
 * - `averageTrace = t_0`; `addIdentity(v)`: `t_0 += v`; `‖T‖_F = sqrt(Σ_k (d−k) t_k²)`;
 *   `maxAbsEntry = max_k |t_k|`. Storage d.
 *
 * @example
 * ```ts
 * const t = project({ kind: 'lower-toeplitz' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * t.coefficients(); // [11/3, 7, 6]
 * t.toRows(); // [[11/3, 0, 0], [7, 11/3, 0], [6, 7, 11/3]]
 * t.transpose().kind; // 'upper-toeplitz'
 * ```
 */
export class LowerToeplitzMatrix extends TriangularToeplitzMatrix<'lower-toeplitz'> {
  readonly kind = 'lower-toeplitz' as const;
  readonly lower = true;

  /** Wraps a buffer of d coefficients `t_0 … t_{d−1}`. @throws RangeError unless it holds d entries. */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage);
  }

  get spec(): StructureSpec {
    return { kind: 'lower-toeplitz' };
  }

  /** `Tᵀ`: the upper triangular Toeplitz matrix with the same coefficients (a copy). O(d). */
  transpose(): UpperToeplitzMatrix {
    return new UpperToeplitzMatrix(this.size, this.backend.clone(this.storage));
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new LowerToeplitzMatrix(this.size, storage) as this;
  }
}

/** The `lower-toeplitz` structure: storage d, `Π` and `Π(X Xᵀ)` by diagonal sums / autocorrelations. */
export const lowerToeplitzStructure: StructureFactory<'lower-toeplitz', LowerToeplitzMatrix> = {
  kind: 'lower-toeplitz',
  validate() {},
  storageSize: (_spec, d) => d,
  zeros: (_spec, d, dtype, backend) => new LowerToeplitzMatrix(d, backend.allocate(dtype, d)),
  identity(_spec, d, dtype, backend) {
    const storage = backend.allocate(dtype, d);
    if (d > 0) backend.kernels.fill(wholeVector(storage, 0, 1), 1);
    return new LowerToeplitzMatrix(d, storage);
  },
  project: (_spec, symmetric) =>
    new LowerToeplitzMatrix(symmetric.rows, projectToeplitzCoefficients(symmetric)),
  // Π(X Xᵀ): t_0 = (1/d)·Σ X², t_k = (2/(d−k))·(column autocorrelation at lag k), O(n·d·log d).
  fromMatInner: (_spec, x) => new LowerToeplitzMatrix(x.rows, gramToeplitzCoefficients(x)),
};
