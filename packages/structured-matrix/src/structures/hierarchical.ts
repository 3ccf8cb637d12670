import type { StructureSpec } from '../api.js';
import {
  type DeviceBuffer,
  diagonalOf,
  type MatrixView,
  matrixView,
  subMatrix,
  type VectorView,
} from '../backend/buffer.js';
import type { Kernels } from '../backend/kernels.js';
import { checkInteger, shapeText } from '../errors.js';
import { DenseMatrix } from './dense.js';
import type { StructureFactory } from './structure-factory.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/**
 * Block sizes and storage offsets of a d × d hierarchical matrix (spec §3.3): rows/columns
 * split into top `k1`, middle `m`, bottom `k2`; the buffer holds A (k1 × k1), B (k1 × (d−k1)),
 * c (m), D (k2 × m), E (k2 × k2) in this order, each row-major.
 */
interface HierarchicalLayout {
  readonly d: number;
  readonly k1: number;
  readonly m: number;
  readonly k2: number;
  readonly offsetB: number;
  readonly offsetC: number;
  readonly offsetD: number;
  readonly offsetE: number;
  readonly storageSize: number;
}

/** `(k1, m, k2)` from d and the spec's maxima: `(d,0,0)`, `(K1,0,d−K1)` or `(K1,d−K1−K2,K2)`. */
function hierarchicalLayout(d: number, k1Max: number, k2Max: number): HierarchicalLayout {
  let k1: number;
  let m: number;
  let k2: number;
  if (d <= k1Max) [k1, m, k2] = [d, 0, 0];
  else if (d <= k1Max + k2Max) [k1, m, k2] = [k1Max, 0, d - k1Max];
  else [k1, m, k2] = [k1Max, d - k1Max - k2Max, k2Max];
  const offsetB = k1 * k1;
  const offsetC = offsetB + k1 * (d - k1);
  const offsetD = offsetC + m;
  const offsetE = offsetD + k2 * m;
  return { d, k1, m, k2, offsetB, offsetC, offsetD, offsetE, storageSize: offsetE + k2 * k2 };
}

/** The stored parts of a hierarchical matrix as kernel views (B_C, B_E are column blocks of B). */
interface Parts {
  readonly a: MatrixView;
  readonly b: MatrixView;
  readonly bC: MatrixView;
  readonly bE: MatrixView;
  readonly c: VectorView;
  readonly d: MatrixView;
  readonly e: MatrixView;
}

function partsOf(buffer: DeviceBuffer, layout: HierarchicalLayout): Parts {
  const { d, k1, m, k2 } = layout;
  const b = matrixView(buffer, layout.offsetB, k1, d - k1);
  return {
    a: matrixView(buffer, 0, k1, k1),
    b,
    bC: subMatrix(b, 0, 0, k1, m),
    bE: subMatrix(b, 0, m, k1, k2),
    c: { buffer, offset: layout.offsetC, length: m, stride: 1 },
    d: matrixView(buffer, layout.offsetD, k2, m),
    e: matrixView(buffer, layout.offsetE, k2, k2),
  };
}

/** Row blocks of a view with d rows: top `X_t` (k1), middle `X_m` (m), bottom `X_b` (k2), and `[X_m; X_b]`. */
interface RowBlocks {
  readonly top: MatrixView;
  readonly middle: MatrixView;
  readonly bottom: MatrixView;
  readonly rest: MatrixView;
}

function rowBlocksOf(view: MatrixView, layout: HierarchicalLayout): RowBlocks {
  const { d, k1, m, k2 } = layout;
  return {
    top: subMatrix(view, 0, 0, k1, view.cols),
    middle: subMatrix(view, k1, 0, m, view.cols),
    bottom: subMatrix(view, k1 + m, 0, k2, view.cols),
    rest: subMatrix(view, k1, 0, d - k1, view.cols),
  };
}

function isEmpty(view: MatrixView): boolean {
  return view.rows === 0 || view.cols === 0;
}

/**
 * The kernels with every call on an empty extent skipped (a backend need not handle zero-size
 * views). Skipping is exact because every output here starts as zeros (a fresh buffer) or
 * accumulates (`beta = 1`, `accumulate`), so a product with an empty inner dimension adds nothing.
 */
class Guarded {
  constructor(private readonly kernels: Kernels) {}

  /** `out ← alpha·op(a)·op(b) + beta·out`, beta 0 (fresh `out`) or 1. */
  gemm(
    out: MatrixView,
    a: MatrixView,
    b: MatrixView,
    transposeA: boolean,
    transposeB: boolean,
    alpha = 1,
    beta = 0,
  ): void {
    const inner = transposeA ? a.rows : a.cols;
    if (isEmpty(out) || inner === 0) return;
    this.kernels.gemm(out, a, b, { transposeA, transposeB, alpha, beta });
  }

  scaleRows(out: MatrixView, scale: VectorView, x: MatrixView, accumulate: boolean): void {
    if (!isEmpty(out)) this.kernels.scaleRows(out, scale, x, { alpha: 1, accumulate });
  }

  scaleColumns(out: MatrixView, x: MatrixView, scale: VectorView, accumulate: boolean): void {
    if (!isEmpty(out)) this.kernels.scaleColumns(out, x, scale, { alpha: 1, accumulate });
  }

  multiply(out: VectorView, a: VectorView, b: VectorView): void {
    if (out.length > 0) this.kernels.multiply(out, a, b, { alpha: 1, accumulate: false });
  }

  copy(out: MatrixView, x: MatrixView, alpha = 1): void {
    if (!isEmpty(out)) this.kernels.copy(out, x, { alpha, accumulate: false, transpose: false });
  }

  axpby(out: VectorView, x: VectorView): void {
    if (out.length > 0) this.kernels.axpby(out, x, 1, 0);
  }

  rowSquaredSums(out: VectorView, x: MatrixView): void {
    if (!isEmpty(x)) this.kernels.rowSquaredSums(out, x, { alpha: 1, accumulate: false });
  }

  /** `out_j ← out_j + Σ_i x_ij²`. */
  addColumnSquaredSums(out: VectorView, x: MatrixView): void {
    if (!isEmpty(x)) this.kernels.columnSquaredSums(out, x, { alpha: 1, accumulate: true });
  }
}

/**
 * `Π(X Xᵀ)` into the (zero) buffer `out`: `A = X_t X_tᵀ`, `B = 2·X_t [X_m; X_b]ᵀ`,
 * `c = rowsum(X_m ⊙ X_m)`, `D = 2·X_b X_mᵀ`, `E = X_b X_bᵀ`. Cost ∝ stored entries × n.
 */
function matInnerInto(kernels: Kernels, out: DeviceBuffer, x: MatrixView, layout: HierarchicalLayout): void {
  const g = new Guarded(kernels);
  const p = partsOf(out, layout);
  const xb = rowBlocksOf(x, layout);
  g.gemm(p.a, xb.top, xb.top, false, true);
  g.gemm(p.b, xb.top, xb.rest, false, true, 2);
  g.rowSquaredSums(p.c, xb.middle);
  g.gemm(p.d, xb.bottom, xb.middle, false, true, 2);
  g.gemm(p.e, xb.bottom, xb.bottom, false, true);
}

function checkSpec(spec: { readonly k1: number; readonly k2: number }): void {
  checkInteger(spec.k1, 'k1', 1);
  checkInteger(spec.k2, 'k2', 1);
}

/**
 * A hierarchical matrix (spec §3.3; the reference's `hierarchical15_15` is
 * `{ kind: 'hierarchical', k1: 15, k2: 15 }`):
 * ```
 * [ A  B_C      B_E ]   A: k1 × k1,  B = [B_C | B_E]: k1 × (d−k1)
 * [ 0  diag(c)  0   ]   c: m
 * [ 0  D        E   ]   D: k2 × m,   E: k2 × k2
 * ```
 * with block sizes `(k1, m, k2) = (d, 0, 0)` for `d ≤ K1`, `(K1, 0, d−K1)` for
 * `d ≤ K1+K2`, else `(K1, d−K1−K2, K2)` (K1, K2 the spec's `k1`, `k2`).
 *
 * Storage `k1² + k1(d−k1) + m + k2·m + k2²` (`31d − 255` for 15/15 and d > 30).
 * `Π(M)` of a symmetric M: `A = M[:k1,:k1]`, `B = 2·M[:k1,k1:]`, `c = diag(M)[k1:k1+m]`,
 * `D = 2·M[k1+m:,k1:k1+m]`, `E = M[k1+m:,k1+m:]` (the factor-2 rule for B and D).
 *
 * - `S·X`: top `A X_t + B [X_m; X_b]`, middle `c ⊙ X_m`, bottom `D X_m + E X_b`.
 * - `Sᵀ·X`: top `AᵀX_t`, `[middle; bottom] = BᵀX_t + [c ⊙ X_m + DᵀX_b; EᵀX_b]`.
 * - product: `A'' = AA'`, `B'' = AB' + [B_C·diag(c') + B_E D' | B_E E']`, `c'' = c ⊙ c'`,
 *   `D'' = D·diag(c') + E D'`, `E'' = EE'` (closure).
 *
 * Costs: O((k1 + k2)·d·n) for a d × n operand and O((k1 + k2)²·d) for products, i.e. linear
 * in d for fixed k1, k2. There is no `transpose()`: the transposed pattern is not hierarchical.
 *
 * @example
 * ```ts
 * const h = project({ kind: 'hierarchical', k1: 1, k2: 1 }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * h.toRows(); // [[1, 4, 6], [0, 4, 0], [0, 10, 6]]
 * ```
 */
export class HierarchicalMatrix extends StructuredMatrix<'hierarchical'> {
  readonly kind = 'hierarchical' as const;
  /** The spec's top block size K1 (the largest `topSize`). */
  readonly k1: number;
  /** The spec's bottom block size K2 (the largest `bottomSize`). */
  readonly k2: number;
  /** Actual top block size k1 (A is k1 × k1). */
  readonly topSize: number;
  /** Actual middle size m (the length of c). */
  readonly middleSize: number;
  /** Actual bottom block size k2 (E is k2 × k2). */
  readonly bottomSize: number;
  private readonly layout: HierarchicalLayout;

  /**
   * Wraps a buffer holding A, B, c, D, E (in this order, row-major) of a d × d matrix.
   * @throws RangeError for bad `k1`/`k2` or a buffer of the wrong length.
   */
  constructor(d: number, k1: number, k2: number, storage: DeviceBuffer) {
    checkSpec({ k1, k2 });
    checkInteger(d, 'd', 0);
    const layout = hierarchicalLayout(d, k1, k2);
    if (storage.length !== layout.storageSize) {
      throw new RangeError(
        `a ${shapeText(d, d)} hierarchical matrix with k1 ${k1}, k2 ${k2} stores ${layout.storageSize} entries; got ${storage.length}`,
      );
    }
    super(d, d, storage);
    this.k1 = k1;
    this.k2 = k2;
    this.layout = layout;
    this.topSize = layout.k1;
    this.middleSize = layout.m;
    this.bottomSize = layout.k2;
  }

  get spec(): StructureSpec {
    return { kind: 'hierarchical', k1: this.k1, k2: this.k2 };
  }

  /** The dense representative (A, B, diag(c), D, E placed into a d × d zero matrix). Cost O(d²). */
  toDense(): DenseMatrix {
    const { d, k1, m, k2 } = this.layout;
    const dense = DenseMatrix.zeros(d, d, this.dtype, this.backend);
    const g = new Guarded(this.kernels);
    const p = this.parts();
    const view = dense.view();
    g.copy(subMatrix(view, 0, 0, k1, k1), p.a);
    g.copy(subMatrix(view, 0, k1, k1, d - k1), p.b);
    g.axpby(diagonalOf(subMatrix(view, k1, k1, m, m)), p.c);
    g.copy(subMatrix(view, k1 + m, k1, k2, m), p.d);
    g.copy(subMatrix(view, k1 + m, k1 + m, k2, k2), p.e);
    return dense;
  }

  /**
   * `Π(Sᵀ X Xᵀ S)`: `Π(T Tᵀ)` of `T = SᵀX` (d × n, one `transposeMatmul`) by the
   * `hierarchicalStructure` `fromMatInner` formulas. Without X, `Π(SᵀS)`:
   * `A = AᵀA`, `B = 2·AᵀB`, `c = c ⊙ c + colsum(B_C ⊙ B_C) + colsum(D ⊙ D)`,
   * `D = 2·(B_EᵀB_C + EᵀD)`, `E = EᵀE + B_EᵀB_E`.
   * Cost O((k1 + k2)·d·n), resp. O((k1 + k2)²·d).
   * @throws RangeError when X does not have d rows (naming both shapes).
   */
  fromInner(x?: DenseMatrix): this {
    const result = this.backend.allocate(this.dtype, this.storage.length);
    if (x !== undefined) {
      this.checkCompatible(x, 'fromInner');
      if (x.rows !== this.size) {
        throw new RangeError(
          `fromInner: X must have ${this.size} rows for a ${shapeText(this.size, this.size)} hierarchical matrix; got ${shapeText(x.rows, x.cols)}`,
        );
      }
      matInnerInto(this.kernels, result, this.multiplyDense(x, true).view(), this.layout);
      return this.withStorage(result);
    }
    const g = new Guarded(this.kernels);
    const p = this.parts();
    const r = partsOf(result, this.layout);
    g.gemm(r.a, p.a, p.a, true, false);
    g.gemm(r.b, p.a, p.b, true, false, 2);
    g.multiply(r.c, p.c, p.c);
    g.addColumnSquaredSums(r.c, p.bC);
    g.addColumnSquaredSums(r.c, p.d);
    g.gemm(r.d, p.bE, p.bC, true, false, 2);
    g.gemm(r.d, p.e, p.d, true, false, 2, 1);
    g.gemm(r.e, p.e, p.e, true, false);
    g.gemm(r.e, p.bE, p.bE, true, false, 1, 1);
    return this.withStorage(result);
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new HierarchicalMatrix(this.size, this.k1, this.k2, storage) as this;
  }

  protected multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix {
    const result = DenseMatrix.zeros(this.size, x.cols, this.dtype, this.backend);
    const g = new Guarded(this.kernels);
    const p = this.parts();
    const xb = rowBlocksOf(x.view(), this.layout);
    const out = rowBlocksOf(result.view(), this.layout);
    if (transpose) {
      g.gemm(out.top, p.a, xb.top, true, false);
      g.gemm(out.rest, p.b, xb.top, true, false);
      g.scaleRows(out.middle, p.c, xb.middle, true);
      g.gemm(out.middle, p.d, xb.bottom, true, false, 1, 1);
      g.gemm(out.bottom, p.e, xb.bottom, true, false, 1, 1);
    } else {
      g.gemm(out.top, p.a, xb.top, false, false);
      g.gemm(out.top, p.b, xb.rest, false, false, 1, 1);
      g.scaleRows(out.middle, p.c, xb.middle, false);
      g.gemm(out.bottom, p.d, xb.middle, false, false);
      g.gemm(out.bottom, p.e, xb.bottom, false, false, 1, 1);
    }
    return result;
  }

  protected multiplySame(other: this): this {
    const result = this.backend.allocate(this.dtype, this.storage.length);
    const g = new Guarded(this.kernels);
    const p = this.parts();
    const q = other.parts();
    const r = partsOf(result, this.layout);
    g.gemm(r.a, p.a, q.a, false, false);
    g.gemm(r.b, p.a, q.b, false, false);
    g.scaleColumns(r.bC, p.bC, q.c, true);
    g.gemm(r.bC, p.bE, q.d, false, false, 1, 1);
    g.gemm(r.bE, p.bE, q.e, false, false, 1, 1);
    g.multiply(r.c, p.c, q.c);
    g.scaleColumns(r.d, p.d, q.c, false);
    g.gemm(r.d, p.e, q.d, false, false, 1, 1);
    g.gemm(r.e, p.e, q.e, false, false);
    return this.withStorage(result);
  }

  /** The diagonals of A and E and the vector c. */
  protected diagonalSegments(): readonly DiagonalSegment[] {
    const p = this.parts();
    return [diagonalOf(p.a), p.c, diagonalOf(p.e)]
      .filter((view) => view.length > 0)
      .map((view) => ({ view, multiplicity: 1 }));
  }

  private parts(): Parts {
    return partsOf(this.storage, this.layout);
  }
}

/**
 * The `hierarchical` structure (spec `{ kind: 'hierarchical', k1, k2 }`, both integers ≥ 1).
 *
 * - `project(M)`: `A = M[:k1,:k1]`, `B = 2·M[:k1,k1:]`, `c = diag(M)[k1:k1+m]`,
 *   `D = 2·M[k1+m:,k1:k1+m]`, `E = M[k1+m:,k1+m:]`; O(stored entries).
 * - `fromMatInner(X)` = `Π(XXᵀ)` without forming it: `A = X_t X_tᵀ`, `B = 2·X_t [X_m; X_b]ᵀ`,
 *   `c = rowsum(X_m ⊙ X_m)`, `D = 2·X_b X_mᵀ`, `E = X_b X_bᵀ`; O(stored entries × n).
 */
export const hierarchicalStructure: StructureFactory<'hierarchical', HierarchicalMatrix> = {
  kind: 'hierarchical',
  validate: checkSpec,
  storageSize(spec, d) {
    checkSpec(spec);
    return hierarchicalLayout(d, spec.k1, spec.k2).storageSize;
  },
  zeros(spec, d, dtype, backend) {
    checkSpec(spec);
    const layout = hierarchicalLayout(d, spec.k1, spec.k2);
    return new HierarchicalMatrix(d, spec.k1, spec.k2, backend.allocate(dtype, layout.storageSize));
  },
  identity(spec, d, dtype, backend) {
    return hierarchicalStructure.zeros(spec, d, dtype, backend).addIdentityInPlace(1);
  },
  project(spec, symmetric) {
    checkSpec(spec);
    const d = symmetric.rows;
    const layout = hierarchicalLayout(d, spec.k1, spec.k2);
    const { k1, m, k2 } = layout;
    const storage = symmetric.backend.allocate(symmetric.dtype, layout.storageSize);
    const g = new Guarded(symmetric.backend.kernels);
    const p = partsOf(storage, layout);
    const view = symmetric.view();
    g.copy(p.a, subMatrix(view, 0, 0, k1, k1));
    g.copy(p.b, subMatrix(view, 0, k1, k1, d - k1), 2);
    g.axpby(p.c, diagonalOf(subMatrix(view, k1, k1, m, m)));
    g.copy(p.d, subMatrix(view, k1 + m, k1, k2, m), 2);
    g.copy(p.e, subMatrix(view, k1 + m, k1 + m, k2, k2));
    return new HierarchicalMatrix(d, spec.k1, spec.k2, storage);
  },
  fromMatInner(spec, x) {
    checkSpec(spec);
    const layout = hierarchicalLayout(x.rows, spec.k1, spec.k2);
    const storage = x.backend.allocate(x.dtype, layout.storageSize);
    matInnerInto(x.backend.kernels, storage, x.view(), layout);
    return new HierarchicalMatrix(x.rows, spec.k1, spec.k2, storage);
  },
};
