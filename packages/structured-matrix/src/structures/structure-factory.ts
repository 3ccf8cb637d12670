import type { DType } from '@singd/half';
import type { SpecOf, StructureKind } from '../api.js';
import type { Backend } from '../backend/backend.js';
import type { DenseMatrix } from './dense.js';
import type { StructuredMatrix } from './structured-matrix.js';

/**
 * How to build the matrices of one structure kind: the static half of a structure, one per
 * structure file, collected by the structure registry behind {@link project} and friends.
 */
export interface StructureFactory<K extends StructureKind, M extends StructuredMatrix = StructuredMatrix<K>> {
  readonly kind: K;
  /** Throws a RangeError naming a bad parameter of `spec`. */
  validate(spec: SpecOf<K>): void;
  /** Number of stored entries of a d × d matrix (spec §3.3). */
  storageSize(spec: SpecOf<K>, d: number): number;
  /** The d × d zero matrix. */
  zeros(spec: SpecOf<K>, d: number, dtype: DType, backend: Backend): M;
  /** The d × d identity. */
  identity(spec: SpecOf<K>, d: number, dtype: DType, backend: Backend): M;
  /** `Π(M)` for a symmetric dense `M` (symmetry is not checked), in `M`'s dtype and backend. */
  project(spec: SpecOf<K>, symmetric: DenseMatrix): M;
  /** `Π(X Xᵀ)` for a dense `X` (d × n), without forming `X Xᵀ`. */
  fromMatInner(spec: SpecOf<K>, x: DenseMatrix): M;
}
