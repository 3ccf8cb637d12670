import type { DType } from '@singd/half';

/**
 * An opaque handle to `length` elements of `dtype` owned by a backend. The `cpu` backend keeps
 * them in a typed array (16-bit patterns for the half formats); device backends keep them in
 * GPU textures or tensors. Only the owning backend reads or writes the elements; structures
 * hold handles and compose kernels, so adding a backend never touches them.
 */
export interface DeviceBuffer {
  /** Name of the owning backend. */
  readonly backend: string;
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
  /** Bytes the elements occupy on the device (`length ×` bytes per element of `dtype`). */
  readonly byteLength: number;
}

/**
 * A strided vector inside a buffer: element `i` is `buffer[offset + i·stride]`.
 * A matrix's diagonal is the vector `{ offset: 0, length: d, stride: d + 1 }`.
 */
export interface VectorView {
  readonly buffer: DeviceBuffer;
  readonly offset: number;
  readonly length: number;
  readonly stride: number;
}

/**
 * A row-major `rows × cols` matrix inside a buffer: entry `(i, j)` is
 * `buffer[offset + i·rowStride + j]`, with `rowStride ≥ cols` (a sub-block of a larger
 * matrix has the larger matrix's row length as `rowStride`).
 */
export interface MatrixView {
  readonly buffer: DeviceBuffer;
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
}

/** The whole buffer as a contiguous vector. */
export function wholeVector(buffer: DeviceBuffer, offset = 0, length = buffer.length - offset): VectorView {
  return { buffer, offset, length, stride: 1 };
}

/** A contiguous `rows × cols` row-major matrix view starting at `offset`. */
export function matrixView(
  buffer: DeviceBuffer,
  offset: number,
  rows: number,
  cols: number,
  rowStride = cols,
): MatrixView {
  return { buffer, offset, rows, cols, rowStride };
}

/** The sub-block `[row0, row0+rows) × [col0, col0+cols)` of `view`. */
export function subMatrix(
  view: MatrixView,
  row0: number,
  col0: number,
  rows: number,
  cols: number,
): MatrixView {
  return {
    buffer: view.buffer,
    offset: view.offset + row0 * view.rowStride + col0,
    rows,
    cols,
    rowStride: view.rowStride,
  };
}

/** The main diagonal of a square matrix view as a strided vector. */
export function diagonalOf(view: MatrixView): VectorView {
  return {
    buffer: view.buffer,
    offset: view.offset,
    length: Math.min(view.rows, view.cols),
    stride: view.rowStride + 1,
  };
}
