import { assertDType, type DType, describeValue } from '@singd/half';
import type { StructureSpec } from '../api.js';
import type { Backend } from '../backend/backend.js';
import { type DeviceBuffer, diagonalOf, type MatrixView, matrixView } from '../backend/buffer.js';
import { getBackend } from '../backend/registry.js';
import { checkInteger, shapeText } from '../errors.js';
import type { StructureFactory } from './structure-factory.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/**
 * A dense matrix, stored row-major: entry (i, j) at `storage[i·cols + j]`. As a structure
 * (`{ kind: 'dense' }`, square) it is the full matrix group: `Π(M) = M`. As an operand it may
 * be rectangular (the `X` of `S·X`).
 *
 * @example
 * ```ts
 * const x = DenseMatrix.fromRows([[1, 2], [3, 4]]);
 * x.matmul(x).toRows(); // [[7, 10], [15, 22]]
 * ```
 */
export class DenseMatrix extends StructuredMatrix<'dense'> {
  readonly kind = 'dense' as const;

  /** Wraps a buffer holding a row-major `rows × cols` matrix. */
  constructor(rows: number, cols: number, storage: DeviceBuffer) {
    if (storage.length !== rows * cols) {
      throw new RangeError(
        `storage length ${storage.length} does not hold a ${shapeText(rows, cols)} matrix`,
      );
    }
    super(rows, cols, storage);
  }

  /**
   * A dense matrix from rows of numbers (row-major storage), rounded to `dtype`
   * (default float32). Cost O(rows·cols).
   * @throws TypeError for non-array rows or non-number entries; RangeError for ragged rows.
   */
  static fromRows(
    rows: readonly (readonly number[])[],
    dtype: DType = 'float32',
    backend?: Backend,
  ): DenseMatrix {
    assertDType(dtype);
    if (!Array.isArray(rows))
      throw new TypeError(`rows must be an array of number arrays; got ${describeValue(rows)}`);
    const rowCount = rows.length;
    const colCount = rowCount === 0 ? 0 : (rows[0]?.length ?? 0);
    const values = new Float64Array(rowCount * colCount);
    rows.forEach((row, i) => {
      if (!Array.isArray(row))
        throw new TypeError(`rows[${i}] must be an array of numbers; got ${describeValue(row)}`);
      if (row.length !== colCount) {
        throw new RangeError(
          `rows[${i}] has ${row.length} entries but rows[0] has ${colCount}: rows must be ${rowCount}×${colCount}`,
        );
      }
      row.forEach((value, j) => {
        if (typeof value !== 'number')
          throw new TypeError(`rows[${i}][${j}] must be a number; got ${describeValue(value)}`);
        values[i * colCount + j] = value;
      });
    });
    return DenseMatrix.fromArray(values, rowCount, colCount, dtype, backend);
  }

  /** A dense `rows × cols` matrix from row-major values, rounded to `dtype`. */
  static fromArray(
    values: ArrayLike<number>,
    rows: number,
    cols: number,
    dtype: DType = 'float32',
    backend: Backend = getBackend(),
  ): DenseMatrix {
    checkInteger(rows, 'rows', 0);
    checkInteger(cols, 'cols', 0);
    if (values.length !== rows * cols) {
      throw new RangeError(
        `values has ${values.length} entries; a ${shapeText(rows, cols)} matrix needs ${rows * cols}`,
      );
    }
    return new DenseMatrix(rows, cols, backend.upload(dtype, values));
  }

  /** The `rows × cols` zero matrix. */
  static zeros(
    rows: number,
    cols: number = rows,
    dtype: DType = 'float32',
    backend: Backend = getBackend(),
  ): DenseMatrix {
    checkInteger(rows, 'rows', 0);
    checkInteger(cols, 'cols', 0);
    return new DenseMatrix(rows, cols, backend.allocate(dtype, rows * cols));
  }

  /** The d × d identity. */
  static identity(d: number, dtype: DType = 'float32', backend: Backend = getBackend()): DenseMatrix {
    const result = DenseMatrix.zeros(d, d, dtype, backend);
    result.kernels.fill(diagonalOf(result.view()), 1);
    return result;
  }

  get spec(): StructureSpec {
    return { kind: 'dense' };
  }

  /** The whole matrix as a kernel view. */
  view(): MatrixView {
    return matrixView(this.storage, 0, this.rows, this.cols);
  }

  /** The entries as a row-major Float64Array (exact values of the stored dtype). */
  toFloat64Array(): Float64Array {
    return this.backend.read(this.storage);
  }

  /** Entry (i, j). Cost: reads the matrix back from its backend, O(rows·cols). */
  get(i: number, j: number): number {
    checkInteger(i, 'i', 0, this.rows - 1);
    checkInteger(j, 'j', 0, this.cols - 1);
    return this.toFloat64Array()[i * this.cols + j]!;
  }

  toDense(): DenseMatrix {
    return this.clone();
  }

  /** `Xᵀ` as a new dense matrix. Cost O(rows·cols). */
  transpose(): DenseMatrix {
    const result = DenseMatrix.zeros(this.cols, this.rows, this.dtype, this.backend);
    this.kernels.copy(result.view(), this.view(), { transpose: true, alpha: 1, accumulate: false });
    return result;
  }

  fromInner(x?: DenseMatrix): this {
    this.checkSquare('fromInner');
    const d = this.rows;
    if (x === undefined) {
      // Π(KᵀK) = KᵀK.
      const result = DenseMatrix.zeros(d, d, this.dtype, this.backend);
      this.kernels.gemm(result.view(), this.view(), this.view(), {
        transposeA: true,
        transposeB: false,
        alpha: 1,
        beta: 0,
      });
      return result as this;
    }
    this.checkCompatible(x, 'fromInner');
    if (x.rows !== d) {
      throw new RangeError(
        `fromInner: X must have ${d} rows for a ${shapeText(d, d)} matrix; got ${shapeText(x.rows, x.cols)}`,
      );
    }
    // S = KᵀX (d × n), then S·Sᵀ.
    const s = DenseMatrix.zeros(d, x.cols, this.dtype, this.backend);
    this.kernels.gemm(s.view(), this.view(), x.view(), {
      transposeA: true,
      transposeB: false,
      alpha: 1,
      beta: 0,
    });
    const result = DenseMatrix.zeros(d, d, this.dtype, this.backend);
    this.kernels.gemm(result.view(), s.view(), s.view(), {
      transposeA: false,
      transposeB: true,
      alpha: 1,
      beta: 0,
    });
    return result as this;
  }

  protected withStorage(storage: DeviceBuffer): this {
    return new DenseMatrix(this.rows, this.cols, storage) as this;
  }

  protected multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix {
    const rows = transpose ? this.cols : this.rows;
    const result = DenseMatrix.zeros(rows, x.cols, this.dtype, this.backend);
    this.kernels.gemm(result.view(), this.view(), x.view(), {
      transposeA: transpose,
      transposeB: false,
      alpha: 1,
      beta: 0,
    });
    return result;
  }

  protected multiplySame(other: this): this {
    if (other.rows !== this.cols) {
      throw new RangeError(
        `matmul: cannot multiply a ${shapeText(this.rows, this.cols)} matrix by a ${shapeText(other.rows, other.cols)} matrix`,
      );
    }
    return this.multiplyDense(other, false) as this;
  }

  protected override checkSameStructure(other: DenseMatrix, operation: string): void {
    if (operation === 'matmul') return; // any conforming shapes; checked in multiplySame
    if (other.rows !== this.rows || other.cols !== this.cols) {
      throw new RangeError(
        `${operation}: shapes differ: ${shapeText(this.rows, this.cols)} vs ${shapeText(other.rows, other.cols)}`,
      );
    }
  }

  protected diagonalSegments(): readonly DiagonalSegment[] {
    return [{ view: diagonalOf(this.view()), multiplicity: 1 }];
  }

  private checkSquare(operation: string): void {
    if (this.rows !== this.cols) {
      throw new RangeError(`${operation} needs a square matrix; got ${shapeText(this.rows, this.cols)}`);
    }
  }
}

/** The `dense` structure: `Π(M) = M`, storage d². */
export const denseStructure: StructureFactory<'dense', DenseMatrix> = {
  kind: 'dense',
  validate() {},
  storageSize: (_spec, d) => d * d,
  zeros: (_spec, d, dtype, backend) => DenseMatrix.zeros(d, d, dtype, backend),
  identity: (_spec, d, dtype, backend) => DenseMatrix.identity(d, dtype, backend),
  project: (_spec, symmetric) => symmetric.clone(),
  fromMatInner(_spec, x) {
    const result = DenseMatrix.zeros(x.rows, x.rows, x.dtype, x.backend);
    x.backend.kernels.gemm(result.view(), x.view(), x.view(), {
      transposeA: false,
      transposeB: true,
      alpha: 1,
      beta: 0,
    });
    return result;
  },
};
