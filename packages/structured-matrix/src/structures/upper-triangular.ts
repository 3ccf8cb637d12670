import type { StructureSpec } from '../api.js';
import type { DeviceBuffer } from '../backend/buffer.js';
import { LowerTriangularMatrix } from './lower-triangular.js';
import type { StructureFactory } from './structure-factory.js';
import {
  PackedTriangularMatrix,
  packedGramOf,
  packedIdentity,
  packedSize,
  projectPacked,
} from './triangular-common.js';

/**
 * A general upper triangular matrix (`{ kind: 'upper-triangular' }`): `U_ij` free for i ≤ j,
 * 0 below the diagonal, stored packed row by row (row i holds `U_ii … U_i,d−1` from
 * `i·d − i(i−1)/2` on), d(d+1)/2 entries.
 *
 * - `Π(M)` (spec §3.2): `U_ii = M_ii`, `U_ij = M_ij + M_ji` for i < j (the factor-2 rule); O(d²).
 * - `S·X`, `Sᵀ·X`: `packedTriangularMatmul`, O(n·d²/2).
 * - product: `packedTriangularProduct` (upper · upper is upper), O(d³/6).
 * - `fromInner(X) = Π(Uᵀ X Xᵀ U)`: `Σ = UᵀX`, then `packedGram(Σ)` with off-diagonal scale 2,
 *   O(n·d²); `fromInner() = Π(UᵀU)`: `packedTransposedGram`, O(d³/6).
 * - `transpose()`: a `LowerTriangularMatrix`, O(d²) (through a dense temporary).
 * - `averageTrace = mean(U_ii)`, `‖U‖_F`, `maxAbsEntry`: over the stored entries.
 *
 * @example
 * ```ts
 * const u = project({ kind: 'upper-triangular' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * u.toRows(); // [[1, 4, 6], [0, 4, 10], [0, 0, 6]]
 * u.transpose().kind; // 'lower-triangular'
 * ```
 */
export class UpperTriangularMatrix extends PackedTriangularMatrix<'upper-triangular'> {
  readonly kind = 'upper-triangular' as const;
  readonly lower = false;

  /** Wraps a buffer of d(d+1)/2 entries packed by rows. @throws RangeError for another length. */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage);
  }

  get spec(): StructureSpec {
    return { kind: 'upper-triangular' };
  }

  /** `Uᵀ` as a lower triangular matrix. O(d²) time and memory. */
  transpose(): LowerTriangularMatrix {
    return new LowerTriangularMatrix(this.size, this.transposedStorage());
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new UpperTriangularMatrix(this.size, storage) as this;
  }
}

/** The `upper-triangular` structure: storage d(d+1)/2. */
export const upperTriangularStructure: StructureFactory<'upper-triangular', UpperTriangularMatrix> = {
  kind: 'upper-triangular',
  validate() {},
  storageSize: (_spec, d) => packedSize(d),
  zeros: (_spec, d, dtype, backend) => new UpperTriangularMatrix(d, backend.allocate(dtype, packedSize(d))),
  identity: (_spec, d, dtype, backend) =>
    new UpperTriangularMatrix(d, packedIdentity(backend, dtype, d, false)),
  project: (_spec, symmetric) => new UpperTriangularMatrix(symmetric.rows, projectPacked(symmetric, false)),
  // Π(X Xᵀ): diagonal Σ_n X_in², above it 2·Σ_n X_in X_jn; one packedGram, O(n·d²/2).
  fromMatInner: (_spec, x) => new UpperTriangularMatrix(x.rows, packedGramOf(x, false)),
};
