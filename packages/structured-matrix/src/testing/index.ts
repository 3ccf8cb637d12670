/**
 * `@singd/structured-matrix/testing`: the conformance suite every structure and backend must
 * pass, exported so that a new structure or backend runs the same checks as the built-in ones.
 *
 * - {@link conformanceChecks}: the checks of one structure, dtype and backend (runner-agnostic).
 * - {@link referenceProjection}, {@link structurePattern}: the independent dense reference Π.
 * - {@link allclose} and the `dense…` helpers: float64 reference arithmetic on rows of numbers.
 * - {@link specArbitrary}, {@link sizeArbitrary}, {@link groupElementArbitrary}, …: the fast-check
 *   "market" of inputs (fast-check is an optional peer dependency, needed by this entry point).
 *
 * @example
 * ```ts
 * import { conformanceChecks } from '@singd/structured-matrix/testing';
 * for (const check of conformanceChecks({ structure: { kind: 'lower-toeplitz' }, sizes: [1, 2, 7, 50] })) {
 *   it(check.name, () => check.run());
 * }
 * ```
 *
 * @packageDocumentation
 * @module @singd/structured-matrix/testing
 */
export {
  CONFORMANCE_TOLERANCE_FACTORS,
  type ConformanceCheck,
  type ConformanceOptions,
  conformanceChecks,
  describeSpec,
  type ToleranceFactor,
  type ToleranceOperation,
} from './conformance.js';
export {
  type AllcloseResult,
  allclose,
  denseAbs,
  denseAdd,
  denseAverageTrace,
  denseFrobeniusNorm,
  denseIdentity,
  denseMatmul,
  denseMaxAbsEntry,
  denseRound,
  denseScale,
  denseShape,
  denseSymmetrize,
  denseTrace,
  denseTranspose,
  denseZeros,
  describeMismatch,
  type EntryMismatch,
  formatNumber,
  type Rows,
  scalarClose,
} from './dense-reference.js';
export {
  betaArbitrary,
  criticalSizes,
  denseArbitrary,
  type ElementOptions,
  ENTRY_DISTRIBUTIONS,
  type EntryDistribution,
  groupElementArbitrary,
  type MatrixArbitraryOptions,
  projectedElementArbitrary,
  type SizeArbitraryOptions,
  type SpecArbitraryOptions,
  sizeArbitrary,
  specArbitrary,
  squareMatrixArbitrary,
  symmetricMatrixArbitrary,
  widthArbitrary,
} from './market.js';
export {
  hasMutuallyFreePairs,
  hierarchicalBlockSizes,
  referenceProjection,
  referenceStorageSize,
  referenceToeplitzCoefficients,
  structurePattern,
  structureViolation,
  transposedSpec,
} from './reference-projection.js';
export { smallSpecs } from './small-specs.js';
