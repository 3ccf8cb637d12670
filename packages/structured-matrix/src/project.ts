import { assertDType, type DType, describeValue } from '@singd/half';
import type { SpecOf, StructureKind, StructureSpec } from './api.js';
import type { Backend } from './backend/backend.js';
import { getBackend } from './backend/registry.js';
import { checkInteger, shapeText } from './errors.js';
import { DenseMatrix } from './structures/dense.js';
import { type MatrixByKind, structureFactory } from './structures/registry.js';

/** Where and in which dtype a new matrix lives. */
export interface CreateOptions {
  /** Default: the input's dtype for {@link project} and {@link fromMatInner}, else float32. */
  readonly dtype?: DType;
  /** Default: the current backend (see `setBackend`). */
  readonly backend?: Backend;
}

function checkedSpec<S extends StructureSpec>(structure: S): S {
  if (typeof structure !== 'object' || structure === null) {
    throw new TypeError(
      `structure must be a spec object such as { kind: 'diagonal' }; got ${describeValue(structure)}`,
    );
  }
  structureFactory(structure.kind).validate(structure as never);
  return structure;
}

function toDense(
  matrix: DenseMatrix | readonly (readonly number[])[],
  options: CreateOptions,
  name: string,
): DenseMatrix {
  if (matrix instanceof DenseMatrix) {
    if (options.backend !== undefined && options.backend.name !== matrix.storage.backend) {
      throw new TypeError(
        `${name} lives on backend '${matrix.storage.backend}', not '${options.backend.name}'`,
      );
    }
    return options.dtype === undefined || options.dtype === matrix.dtype
      ? matrix
      : matrix.toDtype(options.dtype);
  }
  return DenseMatrix.fromRows(matrix, options.dtype ?? 'float32', options.backend ?? getBackend());
}

/**
 * The subspace projection `Π(M)` of a symmetric dense `M` onto `structure` (spec §3.2): free
 * entries are copied, an off-diagonal entry whose mirror is structurally zero takes
 * `M_ij + M_ji` (the factor-2 rule), entries tied to one parameter (Toeplitz) are averaged.
 * `avgtr(Π(M)) = avgtr(M)` for every structure. Cost O(d²) (it reads M once).
 *
 * @example
 * ```ts
 * project({ kind: 'lower-toeplitz' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]).toRows();
 * // [[11/3, 0, 0], [7, 11/3, 0], [6, 7, 11/3]]
 * ```
 * @throws RangeError for a non-square `M` or bad structure parameters.
 */
export function project<S extends StructureSpec>(
  structure: S,
  symmetricDense: DenseMatrix | readonly (readonly number[])[],
  options: CreateOptions = {},
): MatrixByKind[S['kind']] {
  const spec = checkedSpec(structure);
  const dense = toDense(symmetricDense, options, 'symmetricDense');
  if (dense.rows !== dense.cols) {
    throw new RangeError(`project: symmetricDense must be square; got ${shapeText(dense.rows, dense.cols)}`);
  }
  return structureFactory(spec.kind).project(spec as never, dense) as MatrixByKind[S['kind']];
}

/** `Π(X Xᵀ)` for a dense X (d × n) without forming the d × d product. Cost ∝ stored entries × n. */
export function fromMatInner<S extends StructureSpec>(
  structure: S,
  x: DenseMatrix | readonly (readonly number[])[],
  options: CreateOptions = {},
): MatrixByKind[S['kind']] {
  const spec = checkedSpec(structure);
  return structureFactory(spec.kind).fromMatInner(
    spec as never,
    toDense(x, options, 'x'),
  ) as MatrixByKind[S['kind']];
}

/** The d × d identity of `structure`. */
export function identity<S extends StructureSpec>(
  structure: S,
  d: number,
  options: CreateOptions = {},
): MatrixByKind[S['kind']] {
  const spec = checkedSpec(structure);
  checkInteger(d, 'd', 0);
  return structureFactory(spec.kind).identity(
    spec as never,
    d,
    assertDType(options.dtype ?? 'float32'),
    options.backend ?? getBackend(),
  ) as MatrixByKind[S['kind']];
}

/** The d × d zero matrix of `structure`. */
export function zeros<S extends StructureSpec>(
  structure: S,
  d: number,
  options: CreateOptions = {},
): MatrixByKind[S['kind']] {
  const spec = checkedSpec(structure);
  checkInteger(d, 'd', 0);
  return structureFactory(spec.kind).zeros(
    spec as never,
    d,
    assertDType(options.dtype ?? 'float32'),
    options.backend ?? getBackend(),
  ) as MatrixByKind[S['kind']];
}

/** Stored entries of a d × d matrix of `structure` (spec §3.3); bytes = this × bytes per element. */
export function storageSize(structure: StructureSpec, d: number): number {
  const spec = checkedSpec(structure);
  checkInteger(d, 'd', 0);
  return structureFactory(spec.kind).storageSize(spec as never, d);
}

/** The spec of kind `K` (a convenience for typed code). */
export type { SpecOf, StructureKind };
