/**
 * `@singd/structured-matrix`: structured matrices closed under multiplication (dense,
 * diagonal, block-diagonal, hierarchical, triangular Toeplitz, triangular, sparse triangular)
 * with the subspace projection Π, in four dtypes, composed from kernels of a swappable backend
 * (`cpu` built in).
 *
 * @packageDocumentation
 * @module @singd/structured-matrix
 */

export {
  type SpecOf,
  STRUCTURE_KINDS,
  type StructureKind,
  type StructureSpec,
} from './api.js';
export type { Backend } from './backend/backend.js';
export {
  type DeviceBuffer,
  diagonalOf,
  type MatrixView,
  matrixView,
  subMatrix,
  type VectorView,
  wholeVector,
} from './backend/buffer.js';
export { createCpuBackend } from './backend/cpu/cpu-backend.js';
export { type AccumulateOptions, type GemmOptions, KERNEL_NAMES, type Kernels } from './backend/kernels.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backend/registry.js';
export {
  DenseFallbackError,
  type DenseFallbackMode,
  denseFallback,
  denseFallbackCounts,
  denseFallbackMode,
  resetDenseFallbackCounts,
  setDenseFallbackMode,
} from './fallback.js';
export { type CreateOptions, fromMatInner, identity, project, storageSize, zeros } from './project.js';
export { BlockDiagonalMatrix } from './structures/block-diagonal.js';
export { DenseMatrix } from './structures/dense.js';
export { DiagonalMatrix } from './structures/diagonal.js';
export { HierarchicalMatrix } from './structures/hierarchical.js';
export { LowerBottomRightDiagonalMatrix } from './structures/lower-bottom-right-diagonal.js';
export { LowerToeplitzMatrix } from './structures/lower-toeplitz.js';
export { LowerTopLeftDiagonalMatrix } from './structures/lower-top-left-diagonal.js';
export { LowerTriangularMatrix } from './structures/lower-triangular.js';
export { type MatrixByKind, structureFactory } from './structures/registry.js';
export type { StructureFactory } from './structures/structure-factory.js';
export { type DiagonalSegment, StructuredMatrix } from './structures/structured-matrix.js';
export { UpperBottomRightDiagonalMatrix } from './structures/upper-bottom-right-diagonal.js';
export { UpperToeplitzMatrix } from './structures/upper-toeplitz.js';
export { UpperTopLeftDiagonalMatrix } from './structures/upper-top-left-diagonal.js';
export { UpperTriangularMatrix } from './structures/upper-triangular.js';
