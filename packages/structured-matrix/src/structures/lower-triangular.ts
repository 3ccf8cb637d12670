import type { StructureSpec } from '../api.js';
import type { DeviceBuffer } from '../backend/buffer.js';
import type { StructureFactory } from './structure-factory.js';
import {
  PackedTriangularMatrix,
  packedGramOf,
  packedIdentity,
  packedSize,
  projectPacked,
} from './triangular-common.js';
import { UpperTriangularMatrix } from './upper-triangular.js';

/**
 * A general lower triangular matrix (`{ kind: 'lower-triangular' }`): `L_ij` free for i ≥ j,
 * 0 above the diagonal, stored packed row by row (row i holds `L_i0 … L_ii` from `i(i+1)/2`
 * on), d(d+1)/2 entries.
 *
 * - `Π(M)` (spec §3.2): `L_ii = M_ii`, `L_ij = M_ij + M_ji` for i > j (the factor-2 rule); O(d²).
 * - `S·X`, `Sᵀ·X`: `packedTriangularMatmul`, O(n·d²/2).
 * - product: `packedTriangularProduct` (lower · lower is lower), O(d³/6).
 * - `fromInner(X) = Π(Lᵀ X Xᵀ L)`: `Σ = LᵀX`, then `packedGram(Σ)` with off-diagonal scale 2,
 *   O(n·d²); `fromInner() = Π(LᵀL)`: `packedTransposedGram`, O(d³/6).
 * - `transpose()`: an `UpperTriangularMatrix`, O(d²) (through a dense temporary).
 * - `averageTrace = mean(L_ii)`, `‖L‖_F`, `maxAbsEntry`: over the stored entries.
 *
 * @example
 * ```ts
 * const l = project({ kind: 'lower-triangular' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * l.toRows(); // [[1, 0, 0], [4, 4, 0], [6, 10, 6]]
 * l.transpose().kind; // 'upper-triangular'
 * ```
 */
export class LowerTriangularMatrix extends PackedTriangularMatrix<'lower-triangular'> {
  readonly kind = 'lower-triangular' as const;
  readonly lower = true;

  /** Wraps a buffer of d(d+1)/2 entries packed by rows. @throws RangeError for another length. */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage);
  }

  get spec(): StructureSpec {
    return { kind: 'lower-triangular' };
  }

  /** `Lᵀ` as an upper triangular matrix. O(d²) time and memory. */
  transpose(): UpperTriangularMatrix {
    return new UpperTriangularMatrix(this.size, this.transposedStorage());
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new LowerTriangularMatrix(this.size, storage) as this;
  }
}

/** The `lower-triangular` structure: storage d(d+1)/2. */
export const lowerTriangularStructure: StructureFactory<'lower-triangular', LowerTriangularMatrix> = {
  kind: 'lower-triangular',
  validate() {},
  storageSize: (_spec, d) => packedSize(d),
  zeros: (_spec, d, dtype, backend) => new LowerTriangularMatrix(d, backend.allocate(dtype, packedSize(d))),
  identity: (_spec, d, dtype, backend) =>
    new LowerTriangularMatrix(d, packedIdentity(backend, dtype, d, true)),
  project: (_spec, symmetric) => new LowerTriangularMatrix(symmetric.rows, projectPacked(symmetric, true)),
  // Π(X Xᵀ): diagonal Σ_n X_in², below it 2·Σ_n X_in X_jn; one packedGram, O(n·d²/2).
  fromMatInner: (_spec, x) => new LowerTriangularMatrix(x.rows, packedGramOf(x, true)),
};
