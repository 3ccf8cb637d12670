import type { StructureSpec } from '../api.js';
import { type DeviceBuffer, diagonalOf, wholeVector } from '../backend/buffer.js';
import { DenseMatrix } from './dense.js';
import type { StructureFactory } from './structure-factory.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/**
 * A diagonal matrix `diag(δ)`, storing the d diagonal entries. `Π(M) = diag(M)`.
 *
 * - `S·X`: scale row i of X by δ_i (and `Sᵀ = S`), O(d·n).
 * - product: elementwise, O(d).
 * - `fromInner(X)`: `δ_i²·Σ_n X_in²`, O(d·n); `fromInner()`: `δ_i²`.
 */
export class DiagonalMatrix extends StructuredMatrix<'diagonal'> {
  readonly kind = 'diagonal' as const;

  constructor(d: number, storage: DeviceBuffer) {
    if (storage.length !== d)
      throw new RangeError(`a ${d}×${d} diagonal matrix stores ${d} entries; got ${storage.length}`);
    super(d, d, storage);
  }

  get spec(): StructureSpec {
    return { kind: 'diagonal' };
  }

  toDense(): DenseMatrix {
    const dense = DenseMatrix.zeros(this.size, this.size, this.dtype, this.backend);
    this.kernels.axpby(diagonalOf(dense.view()), wholeVector(this.storage), 1, 0);
    return dense;
  }

  /** `Sᵀ = S` (a copy). */
  transpose(): DiagonalMatrix {
    return this.clone();
  }

  fromInner(x?: DenseMatrix): this {
    const d = this.size;
    const delta = wholeVector(this.storage);
    const result = this.backend.allocate(this.dtype, d);
    const out = wholeVector(result);
    if (x === undefined) {
      this.kernels.multiply(out, delta, delta, { alpha: 1, accumulate: false });
    } else {
      this.checkCompatible(x, 'fromInner');
      if (x.rows !== d) throw new RangeError(`fromInner: X must have ${d} rows; got ${x.rows}×${x.cols}`);
      this.kernels.rowSquaredSums(out, x.view(), { alpha: 1, accumulate: false });
      this.kernels.multiply(out, out, delta, { alpha: 1, accumulate: false });
      this.kernels.multiply(out, out, delta, { alpha: 1, accumulate: false });
    }
    return this.withStorage(result);
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new DiagonalMatrix(this.size, storage) as this;
  }

  protected multiplyDense(x: DenseMatrix, _transpose: boolean): DenseMatrix {
    const result = DenseMatrix.zeros(x.rows, x.cols, this.dtype, this.backend);
    this.kernels.scaleRows(result.view(), wholeVector(this.storage), x.view(), {
      alpha: 1,
      accumulate: false,
    });
    return result;
  }

  protected multiplySame(other: this): this {
    const result = this.backend.allocate(this.dtype, this.size);
    this.kernels.multiply(wholeVector(result), wholeVector(this.storage), wholeVector(other.storage), {
      alpha: 1,
      accumulate: false,
    });
    return this.withStorage(result);
  }

  protected diagonalSegments(): readonly DiagonalSegment[] {
    return [{ view: wholeVector(this.storage), multiplicity: 1 }];
  }
}

/** The `diagonal` structure: storage d. */
export const diagonalStructure: StructureFactory<'diagonal', DiagonalMatrix> = {
  kind: 'diagonal',
  validate() {},
  storageSize: (_spec, d) => d,
  zeros: (_spec, d, dtype, backend) => new DiagonalMatrix(d, backend.allocate(dtype, d)),
  identity(_spec, d, dtype, backend) {
    const storage = backend.allocate(dtype, d);
    backend.kernels.fill(wholeVector(storage), 1);
    return new DiagonalMatrix(d, storage);
  },
  project(_spec, symmetric) {
    const storage = symmetric.backend.allocate(symmetric.dtype, symmetric.rows);
    symmetric.backend.kernels.axpby(wholeVector(storage), diagonalOf(symmetric.view()), 1, 0);
    return new DiagonalMatrix(symmetric.rows, storage);
  },
  fromMatInner(_spec, x) {
    const storage = x.backend.allocate(x.dtype, x.rows);
    x.backend.kernels.rowSquaredSums(wholeVector(storage), x.view(), { alpha: 1, accumulate: false });
    return new DiagonalMatrix(x.rows, storage);
  },
};
