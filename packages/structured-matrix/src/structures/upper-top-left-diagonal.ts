import type { StructureSpec } from '../api.js';
import type { DeviceBuffer } from '../backend/buffer.js';
import {
  type BorderedDiagonalLayout,
  BorderedDiagonalMatrix,
  borderedDiagonalStructure,
} from './bordered-diagonal-common.js';
import { LowerTopLeftDiagonalMatrix } from './lower-top-left-diagonal.js';
import type { StructureFactory } from './structure-factory.js';

const LAYOUT: BorderedDiagonalLayout = { special: 'last', border: 'column' };

/**
 * A sparse triangular matrix `[[diag(c), b], [0, a]]` (reference `TriuTopLeftDiagonal`): the
 * last column full (`b = S[:−1, −1]`, `a = S[−1, −1]`)
 * plus the diagonal `c = diag(S)[:−1]`.
 * A matrix group (closed under products, contains I) with `2d − 1` stored entries.
 *
 * Storage (`2d − 1` entries): the full diagonal first, then the border, i.e.
 * `[c (d − 1), a, b (d − 1)]`; for d = 1 just `[a]`.
 *
 * - `Π(M)` (spec §3.2, factor-2 rule on the border):
 *   `a = M[−1, −1]`, `b = M[:−1, −1] + M[−1, :−1]`, `c = diag(M)[:−1]`. O(d).
 * - `S·X`: `Y_{:−1} = c ⊙ X_{:−1} + b·X_{−1}` (rank-one update), `Y_{−1} = a·X_{−1}`;
 *   `Sᵀ·X`: `Y_{:−1} = c ⊙ X_{:−1}`, `Y_{−1} = a·X_{−1} + bᵀX_{:−1}`.
 *   O(d·n) for X of size d × n.
 * - product (closure): `[[c ⊙ c′, c ⊙ b′ + a′ b], [0, a a′]]`. O(d).
 * - `fromInner(X) = Π(SᵀXXᵀS)`: `Y = SᵀX`, then `a = ‖Y_{−1}‖²`, `b = 2·Y_{:−1}Y_{−1}ᵀ`, `c_i = ‖Y_i‖²`. O(d·n).
 * - `fromInner() = Π(SᵀS)`: `a = a² + ‖b‖²`, `b = 2·c ⊙ b`, `c = c²`. O(d).
 * - `transpose()` is a {@link LowerTopLeftDiagonalMatrix} with the same stored numbers. O(d).
 *
 * @example
 * ```ts
 * const m = DenseMatrix.fromRows([[1, 2, 3], [2, 4, 5], [3, 5, 6]], 'float64');
 * upperTopLeftDiagonalStructure.project({ kind: 'upper-top-left-diagonal' }, m).toRows();
 * // [[1, 0, 6], [0, 4, 10], [0, 0, 6]]
 * ```
 */
export class UpperTopLeftDiagonalMatrix extends BorderedDiagonalMatrix<'upper-top-left-diagonal'> {
  readonly kind = 'upper-top-left-diagonal' as const;

  /**
   * Wraps a buffer of `2d − 1` entries in the layout above (0 entries for d = 0).
   * @throws RangeError for a bad d or storage length.
   */
  constructor(d: number, storage: DeviceBuffer) {
    super(d, storage, LAYOUT, 'upper-top-left-diagonal');
  }

  get spec(): StructureSpec {
    return { kind: 'upper-top-left-diagonal' };
  }

  /** `Sᵀ`: a LowerTopLeftDiagonalMatrix holding a copy of the same stored numbers. O(d). */
  transpose(): LowerTopLeftDiagonalMatrix {
    return new LowerTopLeftDiagonalMatrix(this.size, this.backend.clone(this.storage));
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new UpperTopLeftDiagonalMatrix(this.size, storage) as this;
  }
}

/**
 * The `upper-top-left-diagonal` structure: storage `2d − 1`; `Π(M)` as in {@link UpperTopLeftDiagonalMatrix}
 * (O(d)); identity `a = 1, c = 1, b = 0`; and `fromMatInner(X) = Π(XXᵀ)` natively:
 * `a = ‖X_{−1}‖²`, `b = 2·X_{:−1}X_{−1}ᵀ`, `c_i = ‖X_i‖²`. O(d·n), no d × d product.
 */
export const upperTopLeftDiagonalStructure: StructureFactory<
  'upper-top-left-diagonal',
  UpperTopLeftDiagonalMatrix
> = borderedDiagonalStructure(
  'upper-top-left-diagonal',
  LAYOUT,
  (d, storage) => new UpperTopLeftDiagonalMatrix(d, storage),
);
