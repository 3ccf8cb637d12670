import { assertDType, type DType } from '@singd/half';
import type { StructureKind, StructureSpec } from '../api.js';
import type { Backend } from '../backend/backend.js';
import { type DeviceBuffer, type VectorView, wholeVector } from '../backend/buffer.js';
import type { Kernels } from '../backend/kernels.js';
import { getBackend } from '../backend/registry.js';
import { checkFiniteNumber, shapeText } from '../errors.js';
import type { DenseMatrix } from './dense.js';

/** A stored run of diagonal entries and how many diagonal positions each stored value covers. */
export interface DiagonalSegment {
  readonly view: VectorView;
  /** Diagonal positions per stored value (1, or d for a Toeplitz `t₀`). */
  readonly multiplicity: number;
}

/**
 * A square d × d matrix kept in a structure: its free entries live in one backend buffer
 * (`storage`), in a layout each subclass defines. Every structure is a matrix group (closed
 * under products, containing I) and a linear space (sums, scalar multiples), and provides
 * the subspace projection Π (spec §3.2) through `project` and `fromInner`.
 *
 * Operations return new matrices, except those named `…InPlace`, which overwrite `this` and
 * return it. Operands must share dtype and backend; shapes are checked and reported.
 */
export abstract class StructuredMatrix<K extends StructureKind = StructureKind> {
  /** The structure's `kind` literal. */
  abstract readonly kind: K;
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns (equal to `rows` for every structure; any for a dense operand). */
  readonly cols: number;
  /** The free entries, in the subclass's layout. */
  readonly storage: DeviceBuffer;

  protected constructor(rows: number, cols: number, storage: DeviceBuffer) {
    this.rows = rows;
    this.cols = cols;
    this.storage = storage;
  }

  /** The plain-data spec of this structure (with its parameters). */
  abstract get spec(): StructureSpec;

  /** The dense representative: the matrix this structure stands for. Cost O(d²). */
  abstract toDense(): DenseMatrix;

  /**
   * `Π(Sᵀ X Xᵀ S)` for a dense `X` (d × n), or `Π(SᵀS)` without `X`, computed on the
   * structure's own storage (cost ∝ stored entries × n).
   */
  abstract fromInner(x?: DenseMatrix): this;

  /** A matrix of this class and shape holding `storage`. */
  protected abstract withStorage(storage: DeviceBuffer): this;
  /** `S·X` (or `Sᵀ·X` when `transpose`) for a dense X with d rows. */
  protected abstract multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix;
  /** `S·S'` for a matrix of the same structure and shape (closure). */
  protected abstract multiplySame(other: this): this;
  /** The stored entries that lie on the diagonal. */
  protected abstract diagonalSegments(): readonly DiagonalSegment[];

  /** Matrix order d (the structures are square). */
  get size(): number {
    return this.rows;
  }

  /** `[rows, cols]`. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get dtype(): DType {
    return this.storage.dtype;
  }

  /** The backend that owns the storage. */
  get backend(): Backend {
    return getBackend(this.storage.backend);
  }

  protected get kernels(): Kernels {
    return this.backend.kernels;
  }

  /** Number of stored parameters (entries of `storage`). */
  get parameterCount(): number {
    return this.storage.length;
  }

  /** Bytes of storage: `parameterCount ×` bytes per element of `dtype` (2 for the half formats). */
  get byteLength(): number {
    return this.storage.byteLength;
  }

  /** `S·X` for dense X (d × n) → dense; or `S·S'` for the same structure → the same structure. */
  matmul(other: DenseMatrix): DenseMatrix;
  matmul(other: this): this;
  matmul(other: DenseMatrix | this): DenseMatrix | this {
    this.checkCompatible(other, 'matmul');
    if (other.kind === this.kind) {
      this.checkSameStructure(other, 'matmul');
      return this.multiplySame(other as this);
    }
    if (other.kind !== 'dense') {
      throw new TypeError(
        `matmul: a ${this.kind} matrix multiplies a dense matrix or another ${this.kind} matrix; got ${other.kind}`,
      );
    }
    this.checkRows(other as DenseMatrix, 'matmul');
    return this.multiplyDense(other as DenseMatrix, false);
  }

  /** `Sᵀ·X` for dense X (d × n), with the true transpose. */
  transposeMatmul(x: DenseMatrix): DenseMatrix {
    this.checkCompatible(x, 'transposeMatmul');
    this.checkRows(x, 'transposeMatmul');
    return this.multiplyDense(x, true);
  }

  /** `X·S` for dense X (n × d): `(Sᵀ·Xᵀ)ᵀ`. */
  rightMatmul(x: DenseMatrix): DenseMatrix {
    this.checkCompatible(x, 'rightMatmul');
    this.checkColumns(x, 'rightMatmul');
    return this.multiplyDense(x.transpose(), true).transpose();
  }

  /** `X·Sᵀ` for dense X (n × d): `(S·Xᵀ)ᵀ`. */
  rightTransposeMatmul(x: DenseMatrix): DenseMatrix {
    this.checkCompatible(x, 'rightTransposeMatmul');
    this.checkColumns(x, 'rightTransposeMatmul');
    return this.multiplyDense(x.transpose(), false).transpose();
  }

  /** `S + alpha·S'` as a new matrix. Cost O(stored entries). */
  add(other: this, alpha = 1): this {
    return this.clone().addInPlace(other, alpha);
  }

  /** `S − S'` as a new matrix. */
  subtract(other: this): this {
    return this.clone().addInPlace(other, -1);
  }

  /** `v·S` as a new matrix. */
  scale(value: number): this {
    return this.clone().scaleInPlace(value);
  }

  /** `S + v·I` as a new matrix. */
  addIdentity(value: number): this {
    return this.clone().addIdentityInPlace(value);
  }

  /** `S ← S + alpha·S'`; returns `this`. Cost O(stored entries). */
  addInPlace(other: this, alpha = 1): this {
    this.checkCompatible(other, 'addInPlace');
    this.checkSameStructure(other, 'addInPlace');
    checkFiniteNumber(alpha, 'alpha');
    this.kernels.axpby(wholeVector(this.storage), wholeVector(other.storage), alpha, 1);
    return this;
  }

  /** `S ← S − S'`; returns `this`. */
  subtractInPlace(other: this): this {
    return this.addInPlace(other, -1);
  }

  /** `S ← v·S`; returns `this`. Cost O(stored entries). */
  scaleInPlace(value: number): this {
    checkFiniteNumber(value, 'value');
    const whole = wholeVector(this.storage);
    this.kernels.axpby(whole, whole, value, 0);
    return this;
  }

  /** `S ← S + v·I`; returns `this`. Cost O(d). */
  addIdentityInPlace(value: number): this {
    checkFiniteNumber(value, 'value');
    for (const segment of this.diagonalSegments()) this.kernels.addScalar(segment.view, value);
    return this;
  }

  /** `trace(S)/d`, from the stored diagonal entries. Cost O(d). */
  averageTrace(): number {
    if (this.rows !== this.cols) {
      throw new RangeError(`averageTrace needs a square matrix; got ${shapeText(this.rows, this.cols)}`);
    }
    if (this.rows === 0) return 0;
    let total = 0;
    for (const segment of this.diagonalSegments())
      total += segment.multiplicity * this.kernels.sum(segment.view);
    return total / this.rows;
  }

  /** The largest absolute entry of the dense representative (the vector ∞-norm). Cost O(stored entries). */
  maxAbsEntry(): number {
    return this.kernels.maxAbs(wholeVector(this.storage));
  }

  /** `‖toDense()‖_F` from the stored entries. Cost O(stored entries). */
  frobeniusNorm(): number {
    return Math.sqrt(this.kernels.sumSquares(wholeVector(this.storage)));
  }

  /** An independent copy (same structure, dtype and backend). */
  clone(): this {
    return this.withStorage(this.backend.clone(this.storage));
  }

  /** The same matrix with its entries rounded to `dtype` (a copy, also when the dtype is unchanged). */
  toDtype(dtype: DType): this {
    assertDType(dtype);
    if (dtype === this.dtype) return this.clone();
    return this.withStorage(this.backend.upload(dtype, this.backend.read(this.storage)));
  }

  /** The entries of the dense representative as rows of numbers. */
  toRows(): number[][] {
    const dense = this.toDense();
    const values = this.backend.read(dense.storage);
    const rows: number[][] = [];
    for (let i = 0; i < dense.rows; i++)
      rows.push(Array.from(values.subarray(i * dense.cols, (i + 1) * dense.cols)));
    return rows;
  }

  /** A short description, e.g. `diagonal 10×10 float32`. */
  toString(): string {
    return `${this.kind} ${shapeText(this.rows, this.cols)} ${this.dtype}`;
  }

  protected checkCompatible(other: StructuredMatrix, operation: string): void {
    if (other.dtype !== this.dtype) {
      throw new TypeError(
        `${operation}: dtypes differ: ${this.toString()} vs ${other.toString()}; convert one with toDtype()`,
      );
    }
    if (other.storage.backend !== this.storage.backend) {
      throw new TypeError(
        `${operation}: backends differ: '${this.storage.backend}' vs '${other.storage.backend}'`,
      );
    }
  }

  protected checkSameStructure(other: StructuredMatrix, operation: string): void {
    if (
      other.kind !== this.kind ||
      other.rows !== this.rows ||
      other.cols !== this.cols ||
      JSON.stringify(other.spec) !== JSON.stringify(this.spec)
    ) {
      throw new RangeError(
        `${operation}: needs the same structure and shape: ${this.describe()} vs ${other.describe()}`,
      );
    }
  }

  private checkRows(x: DenseMatrix, operation: string): void {
    if (x.rows !== this.cols) {
      throw new RangeError(
        `${operation}: cannot multiply a ${shapeText(this.rows, this.cols)} ${this.kind} matrix by a ${shapeText(x.rows, x.cols)} matrix`,
      );
    }
  }

  private checkColumns(x: DenseMatrix, operation: string): void {
    if (x.cols !== this.rows) {
      throw new RangeError(
        `${operation}: cannot multiply a ${shapeText(x.rows, x.cols)} matrix by a ${shapeText(this.rows, this.cols)} ${this.kind} matrix`,
      );
    }
  }

  /** The spec and shape, for messages. */
  describe(): string {
    return `${JSON.stringify(this.spec)} ${shapeText(this.rows, this.cols)}`;
  }
}
