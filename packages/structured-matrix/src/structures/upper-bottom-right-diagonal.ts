import type { StructureSpec } from '../api.js';
import type { DeviceBuffer } from '../backend/buffer.js';
import {
  type BorderedDiagonalLayout,
  BorderedDiagonalMatrix,
  borderedDiagonalStructure,
} from './bordered-diagonal-common.js';
import { LowerBottomRightDiagonalMatrix } from './lower-bottom-right-diagonal.js';
import type { StructureFactory } from './structure-factory.js';

const LAYOUT: BorderedDiagonalLayout = { special: 'first', border: 'row' };

/**
 * A sparse triangular matrix `[[a, bᵀ], [0, diag(c)]]` (reference `TriuBottomRightDiagonal`): the
 * first row full (`a = S₀₀`, `b = S[0, 1:]`)
 * plus the diagonal `c = diag(S)[1:]`.
 * A matrix group (closed under products, contains I) with `2d − 1` stored entries.
 *
 * Storage (`2d − 1` entries): the full diagonal first, then the border, i.e.
 * `[a, c (d − 1), b (d − 1)]`; for d = 1 just `[a]`.
 *
 * - `Π(M)` (spec §3.2, factor-2 rule on the border):
 *   `a = M₀₀`, `b = M[0, 1:] + M[1:, 0]`, `c = diag(M)[1:]`. O(d).
 * - `S·X`: `Y₀ = a·X₀ + bᵀX_{1:}`, `Y_{1:} = c ⊙ X_{1:}`;
 *   `Sᵀ·X`: `Y₀ = a·X₀`, `Y_{1:} = c ⊙ X_{1:} + b·X₀` (rank-one update).
 *   O(d·n) for X of size d × n.
 * - product (closure): `[[a a′, (a b′ + c′ ⊙ b)ᵀ], [0, c ⊙ c′]]`. O(d).
 * - `fromInner(X) = Π(SᵀXXᵀS)`: `Y = SᵀX`, then `a = ‖Y₀‖²`, `b = 2·Y_{1:}Y₀ᵀ`, `c_i = ‖Y_i‖²`. O(d·n).
 * - `fromInner() = Π(SᵀS)`: `a = a²`, `b = 2·a·b`, `c = c² + b ⊙ b`. O(d).
 * - `transpose()` is a {@link LowerBottomRightDiagonalMatrix} with the same stored numbers. O(d).
 *
 * @example
 * ```ts
 * const m = DenseMatrix.fromRows([[1, 2, 3], [2, 4, 5], [3, 5, 6]], 'float64');
 * upperBottomRightDiagonalStructure.project({ kind: 'upper-bottom-right-diagonal' }, m).toRows();
 * // [[1, 4, 6], [0, 4, 0], [0, 0, 6]]
 * ```
 */
export class UpperBottomRightDiagonalMatrix extends BorderedDiagonalMatrix<'upper-bottom-right-diagonal'> {
  readonly kind = 'upper-bottom-right-diagonal' as const;

  /**
   * Wraps a buffer of `2d − 1` entries in the layout above (0 entries for d = 0).
   * @throws RangeError for a bad d or storage length.
   */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage, LAYOUT, 'upper-bottom-right-diagonal');
  }

  get spec(): StructureSpec {
    return { kind: 'upper-bottom-right-diagonal' };
  }

  /** `Sᵀ`: a LowerBottomRightDiagonalMatrix holding a copy of the same stored numbers. O(d). */
  transpose(): LowerBottomRightDiagonalMatrix {
    return new LowerBottomRightDiagonalMatrix(this.size, this.backend.clone(this.storage));
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new UpperBottomRightDiagonalMatrix(this.size, storage) as this;
  }
}

/**
 * The `upper-bottom-right-diagonal` structure: storage `2d − 1`; `Π(M)` as in {@link UpperBottomRightDiagonalMatrix}
 * (O(d)); identity `a = 1, c = 1, b = 0`; and `fromMatInner(X) = Π(XXᵀ)` natively:
 * `a = ‖X₀‖²`, `b = 2·X_{1:}X₀ᵀ`, `c_i = ‖X_i‖²`. O(d·n), no d × d product.
 */
export const upperBottomRightDiagonalStructure: StructureFactory<
  'upper-bottom-right-diagonal',
  UpperBottomRightDiagonalMatrix
> = borderedDiagonalStructure(
  'upper-bottom-right-diagonal',
  LAYOUT,
  (d, storage) => new UpperBottomRightDiagonalMatrix(d, storage),
);
