/**
 * Shared implementation of the four sparse triangular structures "diagonal plus one dense
 * border" (spec §3.3, reference `Tril/Triu × BottomRight/TopLeft × Diagonal`). Internal: the
 * public classes live in `lower-bottom-right-diagonal.ts`, `lower-top-left-diagonal.ts`,
 * `upper-bottom-right-diagonal.ts` and `upper-top-left-diagonal.ts`.
 *
 * ## The common form
 *
 * Each structure is `S = diag(δ) + B` for a d × d matrix with one *special* index `p`
 * (`p = 0` for the bottom-right variants, `p = d − 1` for the top-left ones) and a border `B`
 * supported on the other indices `R = {0 … d−1} ∖ {p}` (a contiguous range of `m = d − 1`
 * indices starting at `o`, `o = 1` if `p = 0`, else `o = 0`):
 *
 * | kind | border | dense form |
 * |---|---|---|
 * | `lower-bottom-right-diagonal` | column, `p = 0`   | `[[a, 0], [b, diag(c)]]` |
 * | `upper-top-left-diagonal`     | column, `p = d−1` | `[[diag(c), b], [0, a]]` |
 * | `upper-bottom-right-diagonal` | row, `p = 0`      | `[[a, bᵀ], [0, diag(c)]]` |
 * | `lower-top-left-diagonal`     | row, `p = d−1`    | `[[diag(c), 0], [bᵀ, a]]` |
 *
 * A column border is `B = b̃·e_pᵀ` (entries `S_ip = b_i`, `i ∈ R`), a row border is
 * `B = e_p·b̃ᵀ` (entries `S_pj = b_j`, `j ∈ R`), where `b̃` is `b` placed on `R` (zero at `p`).
 * Transposing swaps column and row borders and keeps `p`, so
 * lower-bottom-right ↔ upper-bottom-right and lower-top-left ↔ upper-top-left share storage.
 *
 * ## Storage (2d − 1 entries; 0 for d = 0)
 *
 * `storage[0 … d)` is the full diagonal `δ` (`δ_p = a`, `δ_R = c`), and
 * `storage[d … 2d−1)` is the border `b` in increasing index order over `R`. For d = 1 the
 * storage is just `[a]`. The diagonal is one contiguous run, so trace and `S + vI` touch d
 * entries; every stored entry appears exactly once in the dense form, so the Frobenius and
 * ∞-norms of the storage are those of the matrix.
 *
 * ## The operations (n = columns of a dense operand; all native, no dense fallback)
 *
 * - `S·X`, `Sᵀ·X`: with a column border, `(S·X)_i = δ_i X_i + b_i X_p` (i ∈ R) — a row scaling
 *   plus a rank-one update `X_R += b·X_p`; with a row border, `(S·X)_p = δ_p X_p + bᵀ X_R` — a row
 *   scaling plus one `1 × m` by `m × n` product. `Sᵀ` of a column border is a row border. O(d·n).
 * - product (closure, same kind): `δ'' = δ ⊙ δ'`; column border `b'' = c ⊙ b' + a'·b`;
 *   row border `b'' = a·b' + c' ⊙ b`. O(d).
 * - `Π(M)` of a symmetric M: `δ = diag(M)`, `b = M[R, p] + M[p, R]` (the factor-2 rule; the
 *   same for all four kinds). O(d) reads of M.
 * - `Π(Y Yᵀ)` for Y (d × n): `δ_i = Σ_n Y_in²`, `b = 2·Y_R·Y_pᵀ`. O(d·n). Gives
 *   `fromMatInner(X)` (Y = X) and `fromInner(X)` (Y = Sᵀ X).
 * - `Π(SᵀS)`: column border `δ = δ², δ_p += ‖b‖², b = 2·c ⊙ b`; row border
 *   `a = a², c = c² + b², b = 2·a·b`. O(d).
 *
 * @module
 */
import type { DType } from '@singd/half';
import type { StructureKind } from '../api.js';
import type { Backend } from '../backend/backend.js';
import {
  type DeviceBuffer,
  diagonalOf,
  type MatrixView,
  matrixView,
  subMatrix,
  type VectorView,
  wholeVector,
} from '../backend/buffer.js';
import type { Kernels } from '../backend/kernels.js';
import { checkInteger, shapeText } from '../errors.js';
import { DenseMatrix } from './dense.js';
import type { StructureFactory } from './structure-factory.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/**
 * Where the dense border of a bordered-diagonal structure lies: at the `first` (p = 0) or
 * `last` (p = d − 1) index, along a `column` (`S_ip`, i ≠ p) or a `row` (`S_pj`, j ≠ p).
 */
export interface BorderedDiagonalLayout {
  readonly special: 'first' | 'last';
  readonly border: 'column' | 'row';
}

/** The four bordered-diagonal kinds. */
export type BorderedDiagonalKind = Extract<
  StructureKind,
  | 'lower-bottom-right-diagonal'
  | 'lower-top-left-diagonal'
  | 'upper-bottom-right-diagonal'
  | 'upper-top-left-diagonal'
>;

/** Stored entries of a d × d bordered-diagonal matrix: `2d − 1` (0 for d = 0). */
export function borderedDiagonalStorageSize(d: number): number {
  return d === 0 ? 0 : 2 * d - 1;
}

/** Index geometry of a d × d bordered-diagonal matrix: special index p, border range [o, o + m). */
interface Geometry {
  readonly d: number;
  /** The special index (0 or d − 1). */
  readonly p: number;
  /** First index of the other indices R. */
  readonly o: number;
  /** Number of other indices, d − 1. */
  readonly m: number;
}

function geometry(d: number, layout: BorderedDiagonalLayout): Geometry {
  const first = layout.special === 'first';
  return { d, p: first ? 0 : Math.max(d - 1, 0), o: first ? 1 : 0, m: Math.max(d - 1, 0) };
}

/** Views into a bordered-diagonal storage buffer (layout `[δ (d) | b (d − 1)]`). */
class StorageViews {
  constructor(
    readonly buffer: DeviceBuffer,
    readonly g: Geometry,
  ) {}

  /** The full diagonal δ (d entries). */
  get diagonal(): VectorView {
    return wholeVector(this.buffer, 0, this.g.d);
  }

  /** The diagonal entries c off the special index (m entries). */
  get c(): VectorView {
    return wholeVector(this.buffer, this.g.o, this.g.m);
  }

  /** The corner `a = δ_p` as a 1-vector. */
  get aVector(): VectorView {
    return wholeVector(this.buffer, this.g.p, 1);
  }

  /** The corner `a = δ_p` as a 1 × 1 matrix. */
  get aMatrix(): MatrixView {
    return matrixView(this.buffer, this.g.p, 1, 1);
  }

  /** The border b as a vector (m entries). */
  get b(): VectorView {
    return wholeVector(this.buffer, this.g.d, this.g.m);
  }

  /** The border b as an m × 1 column. */
  get bColumn(): MatrixView {
    return matrixView(this.buffer, this.g.d, this.g.m, 1);
  }

  /** The border b as a 1 × m row. */
  get bRow(): MatrixView {
    return matrixView(this.buffer, this.g.d, 1, this.g.m);
  }
}

/**
 * Writes `Π(Y Yᵀ)` into `out` (a fresh bordered-diagonal storage buffer) for Y (d × n):
 * `δ_i = Σ_n Y_in²` and `b = 2·Y_R·Y_pᵀ` (the mirror of every border entry is structurally
 * zero, so it takes both halves of the symmetric Gram matrix). O(d·n).
 */
function projectGram(kernels: Kernels, out: StorageViews, y: MatrixView): void {
  const { p, o, m } = out.g;
  kernels.rowSquaredSums(out.diagonal, y, { alpha: 1, accumulate: false });
  if (m === 0) return;
  kernels.gemm(out.bColumn, subMatrix(y, o, 0, m, y.cols), subMatrix(y, p, 0, 1, y.cols), {
    transposeA: false,
    transposeB: true,
    alpha: 2,
    beta: 0,
  });
}

/**
 * The base of the four bordered-diagonal structures `S = diag(δ) + border` (see the module
 * comment for the forms, the storage layout `[δ (d) | b (d − 1)]` and the formulas). Every
 * operation works on the `2d − 1` stored entries through kernels: `S·X` and `Sᵀ·X` cost
 * O(d·n), products and `fromInner()` O(d), `fromInner(X)` O(d·n).
 */
export abstract class BorderedDiagonalMatrix<K extends BorderedDiagonalKind> extends StructuredMatrix<K> {
  /** Where the border lies (fixed per class). */
  readonly layout: BorderedDiagonalLayout;

  protected constructor(d: number, storage: DeviceBuffer, layout: BorderedDiagonalLayout, kind: K) {
    checkInteger(d, 'd', 0);
    const expected = borderedDiagonalStorageSize(d);
    if (storage.length !== expected) {
      throw new RangeError(
        `a ${shapeText(d, d)} ${kind} matrix stores ${expected} entries (2d − 1); got ${storage.length}`,
      );
    }
    super(d, d, storage);
    this.layout = layout;
  }

  /** The special index p: 0 for the bottom-right kinds, d − 1 for the top-left kinds. */
  get specialIndex(): number {
    return geometry(this.size, this.layout).p;
  }

  private views(buffer: DeviceBuffer = this.storage): StorageViews {
    return new StorageViews(buffer, geometry(this.size, this.layout));
  }

  /** The dense representative: `diag(δ)` plus the border in row or column p. Cost O(d²) (zero fill), O(d) kernel work. */
  toDense(): DenseMatrix {
    const d = this.size;
    const dense = DenseMatrix.zeros(d, d, this.dtype, this.backend);
    if (d === 0) return dense;
    const views = this.views();
    const { p, o, m } = views.g;
    this.kernels.axpby(diagonalOf(dense.view()), views.diagonal, 1, 0);
    // Column border: S_ip at offset i·d + p (stride d); row border: S_pj at p·d + j (stride 1).
    const target: VectorView =
      this.layout.border === 'column'
        ? { buffer: dense.storage, offset: o * d + p, length: m, stride: d }
        : { buffer: dense.storage, offset: p * d + o, length: m, stride: 1 };
    this.kernels.axpby(target, views.b, 1, 0);
    return dense;
  }

  /**
   * `Π(Sᵀ X Xᵀ S)` for a dense X (d × n): `Y = SᵀX` (O(d·n)), then `δ_i = Σ_n Y_in²` and
   * `b = 2·Y_R·Y_pᵀ` (O(d·n)). Without X, `Π(SᵀS)` in closed form, O(d): column border
   * `δ = δ², δ_p += ‖b‖², b = 2·c ⊙ b`; row border `a = a², c = c² + b², b = 2·a·b`.
   * @throws TypeError for another dtype or backend; RangeError unless X has d rows.
   */
  fromInner(x?: DenseMatrix): this {
    const d = this.size;
    const result = this.backend.allocate(this.dtype, this.storage.length);
    if (x !== undefined) {
      this.checkCompatible(x, 'fromInner');
      if (x.rows !== d) {
        throw new RangeError(
          `fromInner: X must have ${d} rows for a ${shapeText(d, d)} ${this.kind} matrix; got ${shapeText(x.rows, x.cols)}`,
        );
      }
      if (d === 0) return this.withStorage(result);
      const y = this.multiplyDense(x, true);
      projectGram(this.kernels, this.views(result), y.view());
      return this.withStorage(result);
    }
    if (d === 0) return this.withStorage(result);
    const source = this.views();
    const out = this.views(result);
    const kernels = this.kernels;
    if (this.layout.border === 'column') {
      // SᵀS = D² + D b̃ e_pᵀ + e_p b̃ᵀ D + ‖b‖² e_p e_pᵀ.
      kernels.multiply(out.diagonal, source.diagonal, source.diagonal, { alpha: 1, accumulate: false });
      kernels.rowSquaredSums(out.aVector, source.bRow, { alpha: 1, accumulate: true });
      kernels.multiply(out.b, source.c, source.b, { alpha: 2, accumulate: false });
    } else {
      // SᵀS = D² + a·(e_p b̃ᵀ + b̃ e_pᵀ) + b̃ b̃ᵀ (its off-border part is projected away).
      kernels.multiply(out.diagonal, source.diagonal, source.diagonal, { alpha: 1, accumulate: false });
      kernels.multiply(out.c, source.b, source.b, { alpha: 1, accumulate: true });
      kernels.gemm(out.bColumn, source.bColumn, source.aMatrix, {
        transposeA: false,
        transposeB: false,
        alpha: 2,
        beta: 0,
      });
    }
    return this.withStorage(result);
  }

  /**
   * `S·X` (or `Sᵀ·X`): `Y = diag(δ)·X`, then for an (effective) column border `Y_R += b·X_p`
   * (a rank-one update), for a row border `Y_p += bᵀ·X_R`. O(d·n).
   */
  protected multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix {
    const d = this.size;
    const n = x.cols;
    const result = DenseMatrix.zeros(d, n, this.dtype, this.backend);
    if (d === 0 || n === 0) return result;
    const views = this.views();
    const { p, o, m } = views.g;
    const y = result.view();
    const xv = x.view();
    this.kernels.scaleRows(y, views.diagonal, xv, { alpha: 1, accumulate: false });
    if (m === 0) return result;
    const column = (this.layout.border === 'column') !== transpose;
    if (column) {
      this.kernels.gemm(subMatrix(y, o, 0, m, n), views.bColumn, subMatrix(xv, p, 0, 1, n), {
        transposeA: false,
        transposeB: false,
        alpha: 1,
        beta: 1,
      });
    } else {
      this.kernels.gemm(subMatrix(y, p, 0, 1, n), views.bRow, subMatrix(xv, o, 0, m, n), {
        transposeA: false,
        transposeB: false,
        alpha: 1,
        beta: 1,
      });
    }
    return result;
  }

  /**
   * `S·S'` (same kind and size): `δ'' = δ ⊙ δ'`; column border `b'' = c ⊙ b' + a'·b`, row
   * border `b'' = a·b' + c' ⊙ b`. O(d).
   */
  protected multiplySame(other: this): this {
    const result = this.backend.allocate(this.dtype, this.storage.length);
    if (this.size === 0) return this.withStorage(result);
    const left = this.views();
    const right = this.views(other.storage);
    const out = this.views(result);
    const kernels = this.kernels;
    kernels.multiply(out.diagonal, left.diagonal, right.diagonal, { alpha: 1, accumulate: false });
    const options = { transposeA: false, transposeB: false, alpha: 1, beta: 1 } as const;
    if (this.layout.border === 'column') {
      kernels.multiply(out.b, left.c, right.b, { alpha: 1, accumulate: false });
      kernels.gemm(out.bColumn, left.bColumn, right.aMatrix, options);
    } else {
      kernels.multiply(out.b, right.c, left.b, { alpha: 1, accumulate: false });
      kernels.gemm(out.bColumn, right.bColumn, left.aMatrix, options);
    }
    return this.withStorage(result);
  }

  /** The diagonal δ: the first d stored entries, one position each. */
  protected diagonalSegments(): readonly DiagonalSegment[] {
    return [{ view: this.views().diagonal, multiplicity: 1 }];
  }
}

/**
 * The factory of one bordered-diagonal kind: zeros, identity (`δ = 1`, `b = 0`),
 * `Π(M) = (δ = diag M, b = M[R,p] + M[p,R])` in O(d), and `Π(XXᵀ)` in O(d·n).
 */
export function borderedDiagonalStructure<
  K extends BorderedDiagonalKind,
  M extends BorderedDiagonalMatrix<K>,
>(
  kind: K,
  layout: BorderedDiagonalLayout,
  create: (d: number, storage: DeviceBuffer) => M,
): StructureFactory<K, M> {
  const allocate = (d: number, dtype: DType, backend: Backend): DeviceBuffer =>
    backend.allocate(dtype, borderedDiagonalStorageSize(d));
  return {
    kind,
    validate() {},
    storageSize: (_spec, d) => borderedDiagonalStorageSize(d),
    zeros: (_spec, d, dtype, backend) => create(d, allocate(d, dtype, backend)),
    identity(_spec, d, dtype, backend) {
      const storage = allocate(d, dtype, backend);
      backend.kernels.fill(wholeVector(storage, 0, d), 1);
      return create(d, storage);
    },
    project(_spec, symmetric) {
      const d = symmetric.rows;
      if (symmetric.cols !== d) {
        throw new RangeError(
          `project: ${kind} needs a square matrix; got ${shapeText(symmetric.rows, symmetric.cols)}`,
        );
      }
      const storage = allocate(d, symmetric.dtype, symmetric.backend);
      if (d > 0) {
        const kernels = symmetric.backend.kernels;
        const out = new StorageViews(storage, geometry(d, layout));
        const { p, o, m } = out.g;
        kernels.axpby(out.diagonal, diagonalOf(symmetric.view()), 1, 0);
        const column: VectorView = { buffer: symmetric.storage, offset: o * d + p, length: m, stride: d };
        const row: VectorView = { buffer: symmetric.storage, offset: p * d + o, length: m, stride: 1 };
        kernels.axpby(out.b, column, 1, 0);
        kernels.axpby(out.b, row, 1, 1);
      }
      return create(d, storage);
    },
    fromMatInner(_spec, x) {
      const d = x.rows;
      const storage = allocate(d, x.dtype, x.backend);
      if (d > 0) projectGram(x.backend.kernels, new StorageViews(storage, geometry(d, layout)), x.view());
      return create(d, storage);
    },
  };
}
