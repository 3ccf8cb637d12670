import { DTYPES, type DType, FORMATS, isHalfDType, type Tolerance, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import type { StructureSpec } from '../api.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { setDenseFallbackMode } from '../fallback.js';
import { fromMatInner, identity, project, storageSize, zeros } from '../project.js';
import { DenseMatrix } from '../structures/dense.js';
import type { StructuredMatrix } from '../structures/structured-matrix.js';
import {
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
  denseSymmetrize,
  denseTranspose,
  denseZeros,
  describeMismatch,
  formatNumber,
  type Rows,
  scalarClose,
} from './dense-reference.js';
import {
  denseArbitrary,
  groupElementArbitrary,
  projectedElementArbitrary,
  squareMatrixArbitrary,
  symmetricMatrixArbitrary,
  widthArbitrary,
} from './market.js';
import {
  hasMutuallyFreePairs,
  referenceProjection,
  referenceStorageSize,
  structureViolation,
  transposedSpec,
} from './reference-projection.js';

/**
 * The inheritable conformance suite (GPyTorch's idea, CoLA's market): every operation of one
 * structure, over a list of sizes, in one dtype and on one backend, compared with the same
 * operation on the independent float64 reference of `./dense-reference.ts` and
 * `./reference-projection.ts`, for two families of elements:
 *
 * - `Π(M)`: projections of symmetric M, the only inputs of the reference suite (spec §6.1);
 * - `K`: non-symmetric group elements `(I − β₁Π(M₁))(I − β₂Π(M₂))` (spec §6.1 "add for the
 *   port"), which expose transpose mistakes that symmetric inputs hide.
 *
 * Every expected value is computed in float64 on the exact dense representatives of the
 * operands as they are stored (already rounded to the dtype), so a check measures only the
 * rounding of the operation under test. Each check runs with the dense fallback set to
 * `'throw'`, so a structure passes only if no operation detours through dense matrices.
 *
 * Laws of the projection, stated precisely (Π is only defined on symmetric input, and the
 * factor-2 rule makes `Π(toDense(S)) ≠ S` for hierarchical, Toeplitz and triangular if Π
 * doubles one-sided entries):
 *
 * 1. `Π(sym(toDense(S))) = S`, `sym(A) = (A + Aᵀ)/2`, for every `S = Π(M)` with M symmetric,
 *    in every structure; and for every element S (group elements too) when the structure's
 *    pattern has no off-diagonal free entry whose mirror is free (diagonal, Toeplitz,
 *    triangular, the sparse variants: then sym halves each one-sided entry and the factor-2
 *    rule restores it).
 * 2. `Π(toDense(S)) = S` for every element S of dense, diagonal, block-diagonal and the four
 *    sparse variants (spec §3.3: their Π copies blocks or sums both halves).
 * 3. `avgtr(Π(M)) = avgtr(M)` for any square M, not symmetrised (spec §3.2, §6.1).
 * 4. closure `S₁·S₂ ∈ structure` (pattern and Toeplitz ties, exactly), and `I·S = S·I = S`.
 */

/** The operations with a numerical tolerance, keys of {@link CONFORMANCE_TOLERANCE_FACTORS}. */
export type ToleranceOperation =
  | 'project'
  | 'elementwise'
  | 'matmul'
  | 'matmulSame'
  | 'fromInner'
  | 'fromInnerX'
  | 'fromMatInner'
  | 'reduction'
  | 'law';

/** Multipliers of `toleranceFor(dtype)` for full (float64, float32) and half (bfloat16, float16) dtypes. */
export interface ToleranceFactor {
  readonly full: number;
  readonly half: number;
}

/**
 * Per-operation multipliers of `toleranceFor(dtype)` (of `@singd/half`). The comparison is
 * `|actual − expected| ≤ atol + rtol·max(|expected|, magnitude)` with the magnitude of the
 * computation (see {@link allclose}): `|A|·|B|` for products, `Π(|W|·|W|ᵀ)` for `Π(W·Wᵀ)`,
 * so cancellation in signed inputs does not need looser tolerances. The base tolerances are
 * about 10 unit roundoffs for the half formats and 80 for float32; the factors allow for the
 * roundings a structure may add (each kernel's output is rounded to the dtype):
 *
 * | operation | full | half | why |
 * |---|---|---|---|
 * | `project` (Π(M)) | 1 | 1 | one rounding of a sum or an average |
 * | `elementwise` (add, subtract, …InPlace, scale, addIdentity) | 1 | 1 | one rounding per entry |
 * | `matmul` (S·X, Sᵀ·X, X·S, X·Sᵀ) | 1 | 2 | float32 accumulation, a few partial products may be rounded separately (hierarchical) |
 * | `matmulSame` (S·S′) | 1 | 2 | as `matmul` |
 * | `fromInner` (Π(SᵀS)) | 1 | 2 | a product and a projection |
 * | `fromInnerX` (Π(SᵀX XᵀS)) | 2 | 4 | `SᵀX` is rounded before its Gram matrix is formed |
 * | `fromMatInner` (Π(XXᵀ)) | 1 | 2 | a Gram matrix and a projection |
 * | `reduction` (averageTrace, maxAbsEntry, frobeniusNorm) | 1 | 1 | a float64 reduction of stored values |
 * | `law` (idempotence, avgtr(Π(M)) = avgtr(M), I·S = S) | 1 | 1 | exact up to one rounding |
 */
export const CONFORMANCE_TOLERANCE_FACTORS: Readonly<Record<ToleranceOperation, ToleranceFactor>> =
  Object.freeze({
    project: { full: 1, half: 1 },
    elementwise: { full: 1, half: 1 },
    matmul: { full: 1, half: 2 },
    matmulSame: { full: 1, half: 2 },
    fromInner: { full: 1, half: 2 },
    fromInnerX: { full: 2, half: 4 },
    fromMatInner: { full: 1, half: 2 },
    reduction: { full: 1, half: 1 },
    law: { full: 1, half: 1 },
  });

/** Options of {@link conformanceChecks}. */
export interface ConformanceOptions {
  /** The structure under test. */
  readonly structure: StructureSpec;
  /** Matrix orders d to check (each check runs every size). */
  readonly sizes: readonly number[];
  /** Default `'float32'`. */
  readonly dtype?: DType;
  /** Default: the backend current when `conformanceChecks` is called. */
  readonly backend?: Backend;
  /** fast-check runs per size and element family (default 3). Sizes matter more than runs. */
  readonly numRuns?: number;
  /** fast-check seed (default: random; a failure reports the seed that reproduces it). */
  readonly seed?: number;
  /** Overrides of the factors of {@link CONFORMANCE_TOLERANCE_FACTORS} for this dtype. */
  readonly toleranceFactors?: Partial<Readonly<Record<ToleranceOperation, number>>>;
}

/**
 * One runner-agnostic check: `run()` returns when the structure conforms and throws an `Error`
 * whose message names the structure, size, dtype, operation, element family and worst entry
 * of every failing size otherwise. Wrap it in any runner: `it(check.name, () => check.run())`.
 */
export interface ConformanceCheck {
  readonly name: string;
  run(): void;
}

/** A spec as text, e.g. `block-diagonal(blockSize=3)`, `hierarchical(k1=3, k2=2)`, `diagonal`. */
export function describeSpec(spec: StructureSpec): string {
  switch (spec.kind) {
    case 'block-diagonal':
      return `block-diagonal(blockSize=${spec.blockSize})`;
    case 'hierarchical':
      return `hierarchical(k1=${spec.k1}, k2=${spec.k2})`;
    default:
      return spec.kind;
  }
}

/** Kinds for which `Π(toDense(S)) = S` for every element S, symmetric or not (spec §3.3: Π copies or sums both halves). */
const ROUND_TRIP_KINDS: ReadonlySet<StructureSpec['kind']> = new Set([
  'dense',
  'diagonal',
  'block-diagonal',
  'lower-bottom-right-diagonal',
  'lower-top-left-diagonal',
  'upper-bottom-right-diagonal',
  'upper-top-left-diagonal',
]);

type Family = 'Π(M)' | 'K';

interface Context {
  readonly spec: StructureSpec;
  readonly d: number;
  readonly dtype: DType;
  readonly backend: Backend;
  /** Entries of dense operands X are scaled by this (1/d for half dtypes: keeps Π(SᵀXXᵀS) far from overflow). */
  readonly xScale: number;
  /**
   * Entries of the symmetric M behind both element families are scaled by this: 1 for float64
   * and float32 (the reference's inputs), min(1, 8/d) for half dtypes, so that products of
   * elements (`K = (I − β₁Π(M₁))(I − β₂Π(M₂))`, `SᵀS`) keep O(1)…O(10) entries instead of
   * growing like d and leaving float16's range (max 65504) in intermediate sums.
   */
  readonly elementScale: number;
  tolerance(operation: ToleranceOperation): Tolerance;
  element(family: Family): fc.Arbitrary<StructuredMatrix>;
  upload(rows: Rows): DenseMatrix;
}

interface Case<T> {
  readonly family?: Family;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Runs for this case (default: the suite's numRuns). */
  readonly runs?: number;
  verify(value: T): void;
}

type CaseList = Case<never>[];

interface CheckDefinition {
  readonly name: string;
  /** Whether the check applies to this spec (default: always). */
  applies?(spec: StructureSpec, probe: StructuredMatrix | undefined): boolean;
  cases(ctx: Context): CaseList;
}

/** A failed expectation of a conformance check (its message is the detail line). */
class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

function fail(message: string): never {
  throw new ConformanceFailure(message);
}

function caseOf<T>(c: Case<T>): Case<never> {
  return c as unknown as Case<never>;
}

function expectClose(
  ctx: Context,
  operation: ToleranceOperation,
  what: string,
  actual: Rows,
  expected: Rows,
  magnitude?: Rows,
): void {
  const result = allclose(actual, expected, ctx.tolerance(operation), magnitude);
  if (!result.ok) fail(`${what}: ${describeMismatch(result)}`);
}

function expectScalar(
  ctx: Context,
  operation: ToleranceOperation,
  what: string,
  actual: number,
  expected: number,
  magnitude?: number,
): void {
  if (typeof actual !== 'number') fail(`${what}: expected a number, got ${typeof actual}`);
  const result = scalarClose(actual, expected, ctx.tolerance(operation), magnitude);
  if (!result.ok) {
    const w = result.worst!;
    fail(
      `${what}: got ${formatNumber(actual)}, expected ${formatNumber(expected)}, |diff| ${w.difference.toExponential(3)} > allowed ${w.allowed.toExponential(3)}`,
    );
  }
}

function expectExact(what: string, actual: Rows, expected: Rows): void {
  const result = allclose(actual, expected, { rtol: 0, atol: 0 });
  if (!result.ok) fail(`${what} (exact): ${describeMismatch(result)}`);
}

/** Checks that `result` is a matrix of the given structure (when given), shape, dtype and backend. */
function expectMatrix(
  ctx: Context,
  what: string,
  result: unknown,
  shape: readonly [number, number],
  spec?: StructureSpec,
): void {
  if (result === null || typeof result !== 'object' || !('kind' in result) || !('storage' in result)) {
    fail(`${what}: expected a structured matrix, got ${String(result)}`);
  }
  const m = result as StructuredMatrix;
  const expectedKind = spec?.kind ?? 'dense';
  if (m.kind !== expectedKind) fail(`${what}: expected a ${expectedKind} matrix, got ${m.kind}`);
  if (spec !== undefined && JSON.stringify(m.spec) !== JSON.stringify(spec)) {
    fail(`${what}: expected spec ${JSON.stringify(spec)}, got ${JSON.stringify(m.spec)}`);
  }
  if (m.rows !== shape[0] || m.cols !== shape[1]) {
    fail(`${what}: expected shape ${shape[0]}×${shape[1]}, got ${m.rows}×${m.cols}`);
  }
  if (m.dtype !== ctx.dtype) fail(`${what}: dtype not preserved: expected ${ctx.dtype}, got ${m.dtype}`);
  if (m.storage.backend !== ctx.backend.name) {
    fail(`${what}: backend not preserved: expected '${ctx.backend.name}', got '${m.storage.backend}'`);
  }
}

function expectUnchanged(what: string, matrix: StructuredMatrix, before: Rows): void {
  expectExact(`${what} modified its operand`, matrix.toRows(), before);
}

function expectThrows(what: string, errorType: new (...args: never[]) => Error, action: () => unknown): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) fail(`${what}: expected a ${errorType.name}, but nothing was thrown`);
  if (!(thrown instanceof errorType)) {
    const name = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    fail(`${what}: expected a ${errorType.name}, got ${name}`);
  }
}

/** The checks of one element family or of a pair of same-family elements. */
function perElement(
  ctx: Context,
  verify: (s: StructuredMatrix, family: Family) => void,
  families?: Family[],
): CaseList {
  return (families ?? (['Π(M)', 'K'] as Family[])).map((family) =>
    caseOf({ family, arbitrary: ctx.element(family), verify: (s: StructuredMatrix) => verify(s, family) }),
  );
}

function perPair(ctx: Context, verify: (s1: StructuredMatrix, s2: StructuredMatrix) => void): CaseList {
  return (['Π(M)', 'K'] as Family[]).map((family) =>
    caseOf({
      family,
      arbitrary: fc.tuple(ctx.element(family), ctx.element(family)),
      verify: ([s1, s2]: [StructuredMatrix, StructuredMatrix]) => verify(s1, s2),
    }),
  );
}

function perElementWithDense(
  ctx: Context,
  shape: (n: number) => [number, number],
  verify: (s: StructuredMatrix, x: DenseMatrix) => void,
  fixedWidth?: number,
): CaseList {
  const width = fixedWidth === undefined ? widthArbitrary(ctx.d) : fc.constant(fixedWidth);
  const operand = width.chain((n) => {
    const [rows, cols] = shape(n);
    return denseArbitrary(rows, cols, { scale: ctx.xScale });
  });
  return (['Π(M)', 'K'] as Family[]).map((family) =>
    caseOf({
      family,
      arbitrary: fc.tuple(ctx.element(family), operand),
      verify: ([s, x]: [StructuredMatrix, number[][]]) => verify(s, ctx.upload(x)),
    }),
  );
}

function withIdentityMagnitude(a: Rows, value: number): number[][] {
  return denseAdd(denseAbs(a), denseIdentity(a.length), Math.abs(value));
}

/**
 * One structured × dense product check: `op(S)·X` (`side` = 'left', X is d × n) or `X·op(S)`
 * ('right', X is n × d), `op` the identity or the transpose, against the dense product, with an
 * error bound from the same product of absolute values; operands must stay unchanged.
 */
function denseProductCheck(
  name: string,
  label: string,
  product: (s: StructuredMatrix, x: DenseMatrix) => DenseMatrix,
  side: 'left' | 'right',
  transposed: boolean,
  fixedWidth?: (d: number) => number,
): CheckDefinition {
  return {
    name,
    cases: (ctx) =>
      perElementWithDense(
        ctx,
        (n) => (side === 'left' ? [ctx.d, n] : [n, ctx.d]),
        (s, x) => {
          const [rows, b] = [s.toRows(), x.toRows()];
          const a = transposed ? denseTranspose(rows) : rows;
          const result = product(s, x);
          const op = `${label}(X)`;
          expectMatrix(ctx, op, result, side === 'left' ? [ctx.d, x.cols] : [x.rows, ctx.d]);
          const [first, second] = side === 'left' ? [a, b] : [b, a];
          expectClose(
            ctx,
            'matmul',
            `S.${op}`,
            result.toRows(),
            denseMatmul(first, second),
            denseMatmul(denseAbs(first), denseAbs(second)),
          );
          expectUnchanged(op, s, rows);
          expectUnchanged(op, x, b);
        },
        fixedWidth?.(ctx.d),
      ),
  };
}

/** The check list: one entry per operation or law. */
const CHECKS: readonly CheckDefinition[] = [
  {
    name: 'project: Π(M) of a symmetric M equals the reference projection',
    cases: (ctx) => [
      caseOf({
        arbitrary: symmetricMatrixArbitrary(ctx.d),
        verify: (m: number[][]) => {
          const dense = ctx.upload(m);
          const rounded = dense.toRows();
          const s = project(ctx.spec, dense) as StructuredMatrix;
          expectMatrix(ctx, 'project(M)', s, [ctx.d, ctx.d], ctx.spec);
          expectClose(
            ctx,
            'project',
            'project(M)',
            s.toRows(),
            referenceProjection(ctx.spec, rounded),
            referenceProjection(ctx.spec, denseAbs(rounded)),
          );
          const fromRows = project(ctx.spec, m, {
            dtype: ctx.dtype,
            backend: ctx.backend,
          }) as StructuredMatrix;
          expectMatrix(ctx, 'project(rows, { dtype, backend })', fromRows, [ctx.d, ctx.d], ctx.spec);
          expectExact(
            'project(rows, { dtype, backend }) vs project(DenseMatrix)',
            fromRows.toRows(),
            s.toRows(),
          );
          expectUnchanged('project', dense, rounded);
        },
      }),
    ],
  },
  {
    name: 'toDense: an independent d×d dense copy inside the structure (pattern and Toeplitz ties)',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const before = s.toRows();
        const dense = s.toDense();
        expectMatrix(ctx, 'toDense()', dense, [ctx.d, ctx.d]);
        const rows = dense.toRows();
        expectExact('toDense() vs toRows()', rows, before);
        const violation = structureViolation(ctx.spec, rows);
        if (violation !== undefined) fail(`toDense(): ${violation}`);
        dense.scaleInPlace(2).addIdentityInPlace(1);
        expectUnchanged('scaling the result of toDense()', s, before);
      }),
  },
  {
    name: 'add: S₁ + S₂',
    cases: (ctx) =>
      perPair(ctx, (s1, s2) => {
        const [a, b] = [s1.toRows(), s2.toRows()];
        const result = s1.add(s2);
        expectMatrix(ctx, 'add', result, [ctx.d, ctx.d], ctx.spec);
        if (result === s1 || result === s2) fail('add returned an operand instead of a new matrix');
        expectClose(
          ctx,
          'elementwise',
          'S₁.add(S₂)',
          result.toRows(),
          denseAdd(a, b),
          denseAdd(denseAbs(a), denseAbs(b)),
        );
        expectUnchanged('add', s1, a);
        expectUnchanged('add', s2, b);
      }),
  },
  {
    name: 'subtract: S₁ − S₂',
    cases: (ctx) =>
      perPair(ctx, (s1, s2) => {
        const [a, b] = [s1.toRows(), s2.toRows()];
        const result = s1.subtract(s2);
        expectMatrix(ctx, 'subtract', result, [ctx.d, ctx.d], ctx.spec);
        if (result === s1 || result === s2) fail('subtract returned an operand instead of a new matrix');
        expectClose(
          ctx,
          'elementwise',
          'S₁.subtract(S₂)',
          result.toRows(),
          denseAdd(a, b, -1),
          denseAdd(denseAbs(a), denseAbs(b)),
        );
        expectUnchanged('subtract', s1, a);
        expectUnchanged('subtract', s2, b);
      }),
  },
  {
    name: 'addInPlace(S₂, −0.5): S₁ ← S₁ − 0.5·S₂, returns S₁',
    cases: (ctx) =>
      perPair(ctx, (s1, s2) => {
        const [a, b] = [s1.toRows(), s2.toRows()];
        const result = s1.addInPlace(s2, -0.5);
        if (result !== s1) fail('addInPlace did not return the same object');
        expectMatrix(ctx, 'addInPlace', result, [ctx.d, ctx.d], ctx.spec);
        expectClose(
          ctx,
          'elementwise',
          'S₁.addInPlace(S₂, −0.5)',
          s1.toRows(),
          denseAdd(a, b, -0.5),
          denseAdd(denseAbs(a), denseAbs(b), 0.5),
        );
        expectUnchanged('addInPlace', s2, b);
      }),
  },
  {
    name: 'subtractInPlace(S₂): S₁ ← S₁ − S₂, returns S₁',
    cases: (ctx) =>
      perPair(ctx, (s1, s2) => {
        const [a, b] = [s1.toRows(), s2.toRows()];
        const result = s1.subtractInPlace(s2);
        if (result !== s1) fail('subtractInPlace did not return the same object');
        expectMatrix(ctx, 'subtractInPlace', result, [ctx.d, ctx.d], ctx.spec);
        expectClose(
          ctx,
          'elementwise',
          'S₁.subtractInPlace(S₂)',
          s1.toRows(),
          denseAdd(a, b, -1),
          denseAdd(denseAbs(a), denseAbs(b)),
        );
        expectUnchanged('subtractInPlace', s2, b);
      }),
  },
  {
    name: 'scale(0.3): 0.3·S',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const result = s.scale(0.3);
        expectMatrix(ctx, 'scale', result, [ctx.d, ctx.d], ctx.spec);
        if (result === s) fail('scale returned its operand instead of a new matrix');
        expectClose(ctx, 'elementwise', 'S.scale(0.3)', result.toRows(), denseScale(a, 0.3));
        expectUnchanged('scale', s, a);
      }),
  },
  {
    name: 'scaleInPlace(−1.23): S ← −1.23·S, returns S',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const result = s.scaleInPlace(-1.23);
        if (result !== s) fail('scaleInPlace did not return the same object');
        expectMatrix(ctx, 'scaleInPlace', result, [ctx.d, ctx.d], ctx.spec);
        expectClose(ctx, 'elementwise', 'S.scaleInPlace(−1.23)', s.toRows(), denseScale(a, -1.23));
      }),
  },
  {
    name: 'addIdentity(−1.23): S − 1.23·I',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const result = s.addIdentity(-1.23);
        expectMatrix(ctx, 'addIdentity', result, [ctx.d, ctx.d], ctx.spec);
        if (result === s) fail('addIdentity returned its operand instead of a new matrix');
        expectClose(
          ctx,
          'elementwise',
          'S.addIdentity(−1.23)',
          result.toRows(),
          denseAdd(a, denseIdentity(ctx.d), -1.23),
          withIdentityMagnitude(a, -1.23),
        );
        expectUnchanged('addIdentity', s, a);
      }),
  },
  {
    name: 'addIdentityInPlace(−1.23): S ← S − 1.23·I, returns S',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const result = s.addIdentityInPlace(-1.23);
        if (result !== s) fail('addIdentityInPlace did not return the same object');
        expectMatrix(ctx, 'addIdentityInPlace', result, [ctx.d, ctx.d], ctx.spec);
        expectClose(
          ctx,
          'elementwise',
          'S.addIdentityInPlace(−1.23)',
          s.toRows(),
          denseAdd(a, denseIdentity(ctx.d), -1.23),
          withIdentityMagnitude(a, -1.23),
        );
      }),
  },
  denseProductCheck('matmul(X): S·X for a dense X (d×n)', 'matmul', (s, x) => s.matmul(x), 'left', false),
  denseProductCheck(
    'transposeMatmul(X): Sᵀ·X for a dense X (d×2d)',
    'transposeMatmul',
    (s, x) => s.transposeMatmul(x),
    'left',
    true,
    (d) => 2 * d,
  ),
  denseProductCheck(
    'rightMatmul(X): X·S for a dense X (n×d)',
    'rightMatmul',
    (s, x) => s.rightMatmul(x),
    'right',
    false,
  ),
  denseProductCheck(
    'rightTransposeMatmul(X): X·Sᵀ for a dense X (n×d)',
    'rightTransposeMatmul',
    (s, x) => s.rightTransposeMatmul(x),
    'right',
    true,
  ),
  {
    name: 'matmul(S₂): S₁·S₂ stays in the structure (closure) and equals the dense product',
    cases: (ctx) =>
      perPair(ctx, (s1, s2) => {
        const [a, b] = [s1.toRows(), s2.toRows()];
        const result = s1.matmul(s2);
        expectMatrix(ctx, 'matmul(S₂)', result, [ctx.d, ctx.d], ctx.spec);
        if (result === s1 || result === s2) fail('matmul(S₂) returned an operand instead of a new matrix');
        const rows = result.toRows();
        const violation = structureViolation(ctx.spec, rows);
        if (violation !== undefined) fail(`S₁.matmul(S₂) left the structure: ${violation}`);
        expectClose(
          ctx,
          'matmulSame',
          'S₁.matmul(S₂)',
          rows,
          denseMatmul(a, b),
          denseMatmul(denseAbs(a), denseAbs(b)),
        );
        expectUnchanged('matmul(S₂)', s1, a);
        expectUnchanged('matmul(S₂)', s2, b);
      }),
  },
  {
    name: 'fromInner(): Π(SᵀS)',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const result = s.fromInner();
        expectMatrix(ctx, 'fromInner()', result, [ctx.d, ctx.d], ctx.spec);
        const at = denseTranspose(a);
        const abs = denseAbs(a);
        expectClose(
          ctx,
          'fromInner',
          'S.fromInner()',
          result.toRows(),
          referenceProjection(ctx.spec, denseMatmul(at, a)),
          referenceProjection(ctx.spec, denseMatmul(denseTranspose(abs), abs)),
        );
        expectUnchanged('fromInner()', s, a);
      }),
  },
  {
    name: 'fromInner(X): Π((SᵀX)(SᵀX)ᵀ) for a dense X (d×2d)',
    cases: (ctx) =>
      perElementWithDense(
        ctx,
        (n) => [ctx.d, n],
        (s, x) => {
          const [a, b] = [s.toRows(), x.toRows()];
          const result = s.fromInner(x);
          expectMatrix(ctx, 'fromInner(X)', result, [ctx.d, ctx.d], ctx.spec);
          const w = denseMatmul(denseTranspose(a), b);
          const v = denseMatmul(denseTranspose(denseAbs(a)), denseAbs(b));
          expectClose(
            ctx,
            'fromInnerX',
            'S.fromInner(X)',
            result.toRows(),
            referenceProjection(ctx.spec, denseMatmul(w, denseTranspose(w))),
            referenceProjection(ctx.spec, denseMatmul(v, denseTranspose(v))),
          );
          expectUnchanged('fromInner(X)', s, a);
          expectUnchanged('fromInner(X)', x, b);
        },
        2 * ctx.d,
      ),
  },
  {
    name: 'fromMatInner(X): Π(XXᵀ) for a dense X (d×2d)',
    cases: (ctx) => [
      caseOf({
        arbitrary: denseArbitrary(ctx.d, 2 * ctx.d, { scale: ctx.xScale }),
        verify: (rows: number[][]) => {
          const x = ctx.upload(rows);
          const b = x.toRows();
          const result = fromMatInner(ctx.spec, x) as StructuredMatrix;
          expectMatrix(ctx, 'fromMatInner(X)', result, [ctx.d, ctx.d], ctx.spec);
          const abs = denseAbs(b);
          expectClose(
            ctx,
            'fromMatInner',
            'fromMatInner(spec, X)',
            result.toRows(),
            referenceProjection(ctx.spec, denseMatmul(b, denseTranspose(b))),
            referenceProjection(ctx.spec, denseMatmul(abs, denseTranspose(abs))),
          );
          expectUnchanged('fromMatInner(X)', x, b);
        },
      }),
    ],
  },
  {
    name: 'averageTrace: trace(S)/d',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        expectScalar(
          ctx,
          'reduction',
          'S.averageTrace()',
          s.averageTrace(),
          denseAverageTrace(a),
          denseAverageTrace(denseAbs(a)),
        );
      }),
  },
  {
    name: 'maxAbsEntry: the largest absolute entry of the dense representative',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        expectScalar(ctx, 'reduction', 'S.maxAbsEntry()', s.maxAbsEntry(), denseMaxAbsEntry(s.toRows()));
      }),
  },
  {
    name: 'frobeniusNorm: ‖toDense(S)‖_F',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        expectScalar(
          ctx,
          'reduction',
          'S.frobeniusNorm()',
          s.frobeniusNorm(),
          denseFrobeniusNorm(s.toRows()),
        );
      }),
  },
  {
    name: 'identity: exactly I, and Π(I) = I',
    cases: (ctx) => [
      caseOf({
        arbitrary: fc.constant(null),
        runs: 1,
        verify: () => {
          const eye = identity(ctx.spec, ctx.d, {
            dtype: ctx.dtype,
            backend: ctx.backend,
          }) as StructuredMatrix;
          expectMatrix(ctx, 'identity', eye, [ctx.d, ctx.d], ctx.spec);
          expectExact('identity(spec, d)', eye.toRows(), denseIdentity(ctx.d));
          expectScalar(ctx, 'reduction', 'identity.averageTrace()', eye.averageTrace(), 1);
          const projected = project(ctx.spec, ctx.upload(denseIdentity(ctx.d))) as StructuredMatrix;
          expectExact('project(spec, I)', projected.toRows(), denseIdentity(ctx.d));
        },
      }),
    ],
  },
  {
    name: 'zeros: exactly 0',
    cases: (ctx) => [
      caseOf({
        arbitrary: fc.constant(null),
        runs: 1,
        verify: () => {
          const zero = zeros(ctx.spec, ctx.d, { dtype: ctx.dtype, backend: ctx.backend }) as StructuredMatrix;
          expectMatrix(ctx, 'zeros', zero, [ctx.d, ctx.d], ctx.spec);
          expectExact('zeros(spec, d)', zero.toRows(), denseZeros(ctx.d));
          for (const [name, value] of [
            ['averageTrace', zero.averageTrace()],
            ['maxAbsEntry', zero.maxAbsEntry()],
            ['frobeniusNorm', zero.frobeniusNorm()],
          ] as const) {
            if (value !== 0) fail(`zeros(spec, d).${name}() = ${formatNumber(value)}, expected 0`);
          }
        },
      }),
    ],
  },
  {
    name: 'parameterCount = storageSize(spec, d) and byteLength = parameterCount × bytes per element',
    cases: (ctx) => {
      const verify = (s: StructuredMatrix, what: string): void => {
        const expected = referenceStorageSize(ctx.spec, ctx.d);
        const reported = storageSize(ctx.spec, ctx.d);
        if (reported !== expected)
          fail(`storageSize(spec, ${ctx.d}) = ${reported}, expected ${expected} (spec §3.3)`);
        if (s.parameterCount !== expected)
          fail(`${what}.parameterCount = ${s.parameterCount}, expected ${expected}`);
        const bytes = expected * FORMATS[ctx.dtype].bytesPerElement;
        if (s.byteLength !== bytes) fail(`${what}.byteLength = ${s.byteLength}, expected ${bytes}`);
      };
      return [
        ...perElement(ctx, (s, family) => verify(s, family === 'K' ? 'K' : 'Π(M)')),
        caseOf({
          arbitrary: fc.constant(null),
          runs: 1,
          verify: () => {
            const where = { dtype: ctx.dtype, backend: ctx.backend };
            verify(identity(ctx.spec, ctx.d, where) as StructuredMatrix, 'identity');
            verify(zeros(ctx.spec, ctx.d, where) as StructuredMatrix, 'zeros');
          },
        }),
      ];
    },
  },
  {
    name: 'clone: an equal, independent copy',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const copy = s.clone();
        expectMatrix(ctx, 'clone', copy, [ctx.d, ctx.d], ctx.spec);
        if (copy === s || copy.storage === s.storage) fail('clone shares its storage with the original');
        expectExact('clone()', copy.toRows(), a);
        copy.scaleInPlace(2).addIdentityInPlace(1);
        expectUnchanged('changing the clone', s, a);
        const copyRows = copy.toRows();
        s.scaleInPlace(-1);
        expectExact('changing the original modified the clone', copy.toRows(), copyRows);
      }),
  },
  {
    name: 'toDtype: exact rounding of the stored entries into every dtype, always a copy',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        for (const dtype of DTYPES) {
          if (!ctx.backend.dtypes.includes(dtype)) {
            // A backend that cannot store `dtype` must say so (RangeError), not convert silently.
            expectThrows(`toDtype('${dtype}') on '${ctx.backend.name}'`, RangeError, () => s.toDtype(dtype));
            continue;
          }
          const converted = s.toDtype(dtype);
          const what = `toDtype('${dtype}')`;
          if (converted === s || converted.storage === s.storage)
            fail(`${what} shares its storage with the original`);
          if (converted.dtype !== dtype) fail(`${what}: dtype is ${converted.dtype}`);
          if (converted.kind !== s.kind || JSON.stringify(converted.spec) !== JSON.stringify(s.spec)) {
            fail(`${what}: structure changed to ${JSON.stringify(converted.spec)}`);
          }
          expectExact(what, converted.toRows(), denseRound(a, dtype));
        }
        expectUnchanged('toDtype', s, a);
      }),
  },
  {
    name: 'transpose: toDense(Sᵀ) = toDense(S)ᵀ, (Sᵀ)ᵀ = S, Sᵀ in the transposed structure',
    applies: (spec, probe) =>
      transposedSpec(spec) !== undefined &&
      (probe === undefined || typeof (probe as unknown as { transpose?: unknown }).transpose === 'function'),
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const transposeOf = (m: StructuredMatrix): StructuredMatrix => {
          const method = (m as unknown as { transpose?: () => StructuredMatrix }).transpose;
          if (typeof method !== 'function') fail(`a ${m.kind} matrix has no transpose()`);
          return method.call(m);
        };
        const expectedSpec = transposedSpec(ctx.spec)!;
        const t = transposeOf(s);
        expectMatrix(ctx, 'transpose()', t, [ctx.d, ctx.d], expectedSpec);
        const rows = t.toRows();
        expectExact('toDense(Sᵀ) vs toDense(S)ᵀ', rows, denseTranspose(a));
        const violation = structureViolation(expectedSpec, rows);
        if (violation !== undefined) fail(`transpose(): ${violation}`);
        const back = transposeOf(t);
        expectMatrix(ctx, 'transpose().transpose()', back, [ctx.d, ctx.d], ctx.spec);
        expectExact('(Sᵀ)ᵀ vs S', back.toRows(), a);
        if (t === s || t.storage === s.storage) fail('transpose() shares its storage with the original');
        t.scaleInPlace(2).addIdentityInPlace(1);
        expectUnchanged('changing Sᵀ', s, a);
      }),
  },
  {
    name: 'operands: mismatched shapes throw RangeError, mismatched dtypes TypeError',
    cases: (ctx) => [
      caseOf({
        arbitrary: fc.constant(null),
        runs: 1,
        verify: () => {
          const { d, dtype, backend } = ctx;
          const s = identity(ctx.spec, d, { dtype, backend }) as StructuredMatrix;
          const dense = (rows: number, cols: number, type: DType = dtype): DenseMatrix =>
            DenseMatrix.zeros(rows, cols, type, backend);
          // A dtype of this backend other than `dtype` (none on a single-dtype backend).
          const other: DType | undefined = backend.dtypes.find((t) => t !== dtype);
          expectThrows(`matmul(X ${d + 1}×2)`, RangeError, () => s.matmul(dense(d + 1, 2)));
          expectThrows(`transposeMatmul(X ${d + 1}×1)`, RangeError, () => s.transposeMatmul(dense(d + 1, 1)));
          expectThrows(`rightMatmul(X 1×${d + 1})`, RangeError, () => s.rightMatmul(dense(1, d + 1)));
          expectThrows(`rightTransposeMatmul(X 1×${d + 1})`, RangeError, () =>
            s.rightTransposeMatmul(dense(1, d + 1)),
          );
          expectThrows(`fromInner(X ${d + 1}×2)`, RangeError, () => s.fromInner(dense(d + 1, 2)));
          const bigger = identity(ctx.spec, d + 1, { dtype, backend }) as StructuredMatrix;
          expectThrows(`add(a ${d + 1}×${d + 1} matrix)`, RangeError, () => s.add(bigger));
          expectThrows(`matmul(a ${d + 1}×${d + 1} matrix)`, RangeError, () => s.matmul(bigger));
          if (other === undefined) return;
          expectThrows(`matmul(X in ${other})`, TypeError, () => s.matmul(dense(d, 1, other)));
          expectThrows(`fromInner(X in ${other})`, TypeError, () => s.fromInner(dense(d, 1, other)));
          expectThrows(`add(S in ${other})`, TypeError, () => s.add(s.toDtype(other)));
        },
      }),
    ],
  },
  {
    name: 'law: Π(sym(toDense(S))) = S for S = Π(M), and for every S of a pattern without symmetric free pairs',
    cases: (ctx) => {
      const families: Family[] = hasMutuallyFreePairs(ctx.spec, ctx.d) ? ['Π(M)'] : ['Π(M)', 'K'];
      return perElement(
        ctx,
        (s) => {
          const a = s.toRows();
          const projected = project(ctx.spec, ctx.upload(denseSymmetrize(a))) as StructuredMatrix;
          expectMatrix(ctx, 'project(sym(toDense(S)))', projected, [ctx.d, ctx.d], ctx.spec);
          expectClose(ctx, 'law', 'Π(sym(toDense(S))) vs S', projected.toRows(), a);
        },
        families,
      );
    },
  },
  {
    name: 'law: Π(toDense(S)) = S for every S (Π copies or sums both halves: spec §3.3)',
    applies: (spec) => ROUND_TRIP_KINDS.has(spec.kind),
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const projected = project(ctx.spec, s.toDense()) as StructuredMatrix;
        expectMatrix(ctx, 'project(toDense(S))', projected, [ctx.d, ctx.d], ctx.spec);
        expectClose(ctx, 'law', 'Π(toDense(S)) vs S', projected.toRows(), a);
      }),
  },
  {
    name: 'law: avgtr(Π(M)) = avgtr(M), M not symmetrised',
    cases: (ctx) => [
      caseOf({
        arbitrary: squareMatrixArbitrary(ctx.d),
        verify: (m: number[][]) => {
          const rounded = ctx.upload(m).toRows();
          const s = project(ctx.spec, ctx.upload(m)) as StructuredMatrix;
          expectScalar(
            ctx,
            'law',
            'averageTrace(project(M))',
            s.averageTrace(),
            denseAverageTrace(rounded),
            denseAverageTrace(denseAbs(rounded)),
          );
        },
      }),
    ],
  },
  {
    name: 'law: I·S = S·I = S',
    cases: (ctx) =>
      perElement(ctx, (s) => {
        const a = s.toRows();
        const eye = identity(ctx.spec, ctx.d, { dtype: ctx.dtype, backend: ctx.backend }) as StructuredMatrix;
        expectClose(ctx, 'law', 'I.matmul(S) vs S', eye.matmul(s).toRows(), a);
        expectClose(ctx, 'law', 'S.matmul(I) vs S', s.matmul(eye).toRows(), a);
      }),
  },
];

function messageOf(error: unknown): string {
  if (error instanceof ConformanceFailure) return error.message;
  if (error instanceof Error) return `threw ${error.name}: ${error.message}`;
  return `threw ${String(error)}`;
}

/**
 * The conformance checks of one structure, one dtype and one backend: every operation
 * compared with the dense float64 reference, plus the laws of the projection, for each of
 * `options.sizes` and for both element families (`Π(M)` of symmetric M and non-symmetric
 * group elements K). While a check runs, the dense fallback mode is `'throw'` (restored
 * afterwards). A failing `run()` throws one `Error` listing every failing size and family with
 * the worst entry and the fast-check seed that reproduces it.
 *
 * @example
 * ```ts
 * for (const check of conformanceChecks({ structure: { kind: 'diagonal' }, sizes: [1, 2, 7], dtype: 'float16' })) {
 *   it(check.name, () => check.run());
 * }
 * ```
 */
export function conformanceChecks(options: ConformanceOptions): ConformanceCheck[] {
  const spec = options.structure;
  const dtype = options.dtype ?? 'float32';
  const backend = options.backend ?? getBackend();
  const numRuns = options.numRuns ?? 3;
  if (!Number.isInteger(numRuns) || numRuns < 1)
    throw new RangeError(`numRuns must be an integer >= 1; got ${numRuns}`);
  for (const d of options.sizes) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`sizes must be integers >= 1; got ${d}`);
  }
  const half = isHalfDType(dtype);
  const factors: Record<ToleranceOperation, number> = Object.fromEntries(
    (Object.keys(CONFORMANCE_TOLERANCE_FACTORS) as ToleranceOperation[]).map((op) => [
      op,
      options.toleranceFactors?.[op] ?? CONFORMANCE_TOLERANCE_FACTORS[op][half ? 'half' : 'full'],
    ]),
  ) as Record<ToleranceOperation, number>;
  const tolerances = new Map<ToleranceOperation, Tolerance>();
  const tolerance = (operation: ToleranceOperation): Tolerance => {
    let t = tolerances.get(operation);
    if (t === undefined) tolerances.set(operation, (t = toleranceFor(dtype, factors[operation])));
    return t;
  };

  let probe: StructuredMatrix | undefined;
  try {
    probe = zeros(spec, 1, { dtype, backend }) as StructuredMatrix;
  } catch {
    probe = undefined; // every check will report the failure
  }

  const label = (d: number): string => `${describeSpec(spec)} d=${d} ${dtype} (${backend.name})`;
  const context = (d: number): Context => {
    const elements = new Map<Family, fc.Arbitrary<StructuredMatrix>>();
    const elementScale = half ? Math.min(1, 8 / d) : 1;
    return {
      spec,
      d,
      dtype,
      backend,
      xScale: half ? 1 / d : 1,
      elementScale,
      tolerance,
      element(family) {
        let arbitrary = elements.get(family);
        if (arbitrary === undefined) {
          const where = { backend, entries: { scale: elementScale } };
          arbitrary =
            family === 'K'
              ? groupElementArbitrary(spec, d, dtype, where)
              : projectedElementArbitrary(spec, d, dtype, where);
          elements.set(family, arbitrary);
        }
        return arbitrary;
      },
      upload: (rows) => DenseMatrix.fromRows(rows, dtype, backend),
    };
  };

  return CHECKS.filter((check) => check.applies?.(spec, probe) ?? true).map((check) => ({
    name: check.name,
    run() {
      const previous = setDenseFallbackMode('throw');
      const failures: string[] = [];
      try {
        for (const d of options.sizes) {
          const ctx = context(d);
          let cases: CaseList;
          try {
            cases = check.cases(ctx);
          } catch (error) {
            failures.push(`${label(d)}: setting up the check ${messageOf(error)}`);
            continue;
          }
          for (const c of cases) {
            const where = `${label(d)}${c.family === undefined ? '' : ` [${c.family === 'K' ? 'group element K' : 'Π(symmetric M)'}]`}`;
            const property = fc.property(c.arbitrary, (value) => {
              c.verify(value);
            });
            const parameters: fc.Parameters<[never]> = {
              numRuns: c.runs ?? numRuns,
              endOnFailure: true,
              ...(options.seed === undefined ? {} : { seed: options.seed }),
            };
            let details: fc.RunDetails<[never]>;
            try {
              details = fc.check(property, parameters);
            } catch (error) {
              failures.push(`${where}: generating inputs ${messageOf(error)}`);
              continue;
            }
            if (details.failed) {
              const detail =
                details.errorInstance !== null && details.errorInstance !== undefined
                  ? messageOf(details.errorInstance)
                  : 'failed';
              failures.push(
                `${where}: ${detail} (fast-check seed ${details.seed}, path "${details.counterexamplePath ?? ''}")`,
              );
            }
          }
        }
      } finally {
        setDenseFallbackMode(previous);
      }
      if (failures.length > 0) {
        throw new Error(
          `${describeSpec(spec)} ${dtype}: ${check.name}\n${failures.map((f) => `  - ${f}`).join('\n')}`,
        );
      }
    },
  }));
}
