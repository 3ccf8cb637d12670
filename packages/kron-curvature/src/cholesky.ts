/**
 * Cholesky factorisation and triangular solves of small dense symmetric positive-definite
 * matrices, computed in a selectable {@link DType}. In `bfloat16` and `float16` they follow the
 * emulation policy of `@singd/structured-matrix` (tensor-core style): every dot product and
 * update accumulates in float32 (each multiply and subtract rounded to float32), and every
 * stored result — each entry of `L`, each pivot, each entry of a solve's intermediate and final
 * vectors — is rounded to the format. Storing `L` and the solves in a 16-bit format is what makes
 * KFAC's inverses break down there (spec §5.3).
 *
 * Matrices are row-major `Float64Array`s holding values of the dtype; a failed factorisation
 * is a typed outcome ({@link CholeskyFailure}), never an exception, so callers can count it.
 */
import { assertDType, type DType, describeValue, roundArray, roundingFunction } from '@singd/half';

/** Why a factorisation stopped: a pivot `≤ 0` (not positive definite in this dtype), or a NaN/±∞. */
export type CholeskyFailureReason = 'non-positive-pivot' | 'not-finite';

/** A successful factorisation `S = L Lᵀ`. */
export interface CholeskySuccess {
  readonly ok: true;
  /**
   * The lower-triangular factor `L`, row-major `d × d` (zeros above the diagonal), every entry
   * a value of the dtype it was computed in, with a positive diagonal.
   */
  readonly factor: Float64Array;
}

/** A failed factorisation. */
export interface CholeskyFailure {
  readonly ok: false;
  readonly reason: CholeskyFailureReason;
  /** The 0-based column `j` of `L` being computed when the failure appeared. */
  readonly pivot: number;
  /**
   * The offending value: for `'non-positive-pivot'` the pivot `S_jj − Σ_{k<j} L_jk²` (≤ 0);
   * for `'not-finite'` the first NaN or ±∞ met in column `j` (the pivot, or an entry `L_ij`).
   */
  readonly value: number;
}

/** The result of {@link choleskyDecompose}: the factor, or why there is none. */
export type CholeskyOutcome = CholeskySuccess | CholeskyFailure;

function checkDimension(d: number, name: string): void {
  if (!Number.isInteger(d) || d < 0) {
    throw new RangeError(`${name} must be an integer >= 0; got ${describeValue(d)}`);
  }
}

function checkArray(value: unknown, length: number, name: string, shape: string): Float64Array {
  if (!(value instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float64Array; got ${describeValue(value)}`);
  }
  if (value.length !== length) {
    throw new RangeError(`${name} has ${value.length} entries; a ${shape} matrix needs ${length}`);
  }
  return value;
}

/**
 * Cholesky factorisation `S = L Lᵀ` of a symmetric positive-definite `d × d` matrix, computed
 * in `dtype` (Cholesky–Crout, column by column):
 *
 * `L_jj = √(S_jj − Σ_{k<j} L_jk²)`,  `L_ij = (S_ij − Σ_{k<j} L_ik L_jk) / L_jj` for `i > j`,
 *
 * with the entries of `S` first rounded to `dtype`; sums run over `k = 0 … j−1` in order.
 *
 * - `float64`: the textbook algorithm in float64.
 * - `float32`: every product, difference, square root and quotient rounded to float32.
 * - `bfloat16`, `float16` (tensor-core emulation, as in `@singd/structured-matrix`): each sum
 *   accumulates in float32 (`acc ← fround(acc − fround(L_ik·L_jk))`), and only stored results
 *   are rounded to `dtype`: the pivot `p_j = rnd(acc)`, `L_jj = rnd(fround(√p_j))` and
 *   `L_ij = rnd(fround(acc / L_jj))`.
 *
 * Only the lower triangle (`i ≥ j`) of `matrix` is read, as in LAPACK's `potrf` with
 * `uplo = 'L'`; symmetry is assumed, not checked.
 *
 * Failures are returned, not thrown: `{ ok: false, reason: 'non-positive-pivot', pivot: j, value }`
 * when the pivot of column `j` (in `dtype`) is `≤ 0` (the matrix, as seen in `dtype`, is not
 * positive definite), `{ ok: false, reason: 'not-finite', pivot: j, value }` when column `j` meets
 * a NaN or ±∞ (an input entry `S_ij` with `min(i, j) = j`, or an overflow of `dtype`).
 *
 * Cost: `d³/3` multiply-subtracts plus `d` square roots and `d²/2` divides; one `d × d` output
 * (and a `d × d` float32 work array for the narrow dtypes).
 *
 * @example
 * ```ts
 * const outcome = choleskyDecompose(Float64Array.of(4, 2, 2, 5), 2, 'float64');
 * if (outcome.ok) outcome.factor; // [2, 0, 1, 2]
 * choleskyDecompose(Float64Array.of(1, 2, 2, 1), 2, 'float64'); // { ok: false, reason: 'non-positive-pivot', pivot: 1, value: -3 }
 * ```
 * @throws TypeError for a non-Float64Array `matrix` or an unknown `dtype`; RangeError for a
 *   negative or non-integer `d` or a `matrix` that is not `d × d`.
 */
export function choleskyDecompose(matrix: Float64Array, d: number, dtype: DType): CholeskyOutcome {
  checkDimension(d, 'd');
  checkArray(matrix, d * d, 'matrix', `${d}×${d}`);
  const kind = assertDType(dtype);
  return kind === 'float64' ? decomposeFloat64(matrix, d) : decomposeNarrow(matrix, d, kind);
}

function decomposeFloat64(matrix: Float64Array, d: number): CholeskyOutcome {
  const factor = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let pivot = matrix[rowJ + j]!;
    for (let k = 0; k < j; k++) {
      const ljk = factor[rowJ + k]!;
      pivot -= ljk * ljk;
    }
    if (!Number.isFinite(pivot)) return { ok: false, reason: 'not-finite', pivot: j, value: pivot };
    if (!(pivot > 0)) return { ok: false, reason: 'non-positive-pivot', pivot: j, value: pivot };
    const diagonal = Math.sqrt(pivot);
    factor[rowJ + j] = diagonal;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let sum = matrix[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= factor[rowI + k]! * factor[rowJ + k]!;
      const value = sum / diagonal;
      if (!Number.isFinite(value)) return { ok: false, reason: 'not-finite', pivot: j, value };
      factor[rowI + j] = value;
    }
  }
  return { ok: true, factor };
}

/**
 * `float32`, `bfloat16`, `float16`: float32 accumulation, results rounded to `dtype` when
 * stored. The factor is kept in a Float32Array (every value of these dtypes is a float32).
 * For `float32` the store rounding is `fround` again, so every operation is float32.
 */
function decomposeNarrow(matrix: Float64Array, d: number, dtype: DType): CholeskyOutcome {
  const round = roundingFunction(dtype);
  const work = new Float32Array(d * d);
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let acc = Math.fround(round(matrix[rowJ + j]!));
    for (let k = 0; k < j; k++) {
      const ljk = work[rowJ + k]!;
      acc = Math.fround(acc - Math.fround(ljk * ljk));
    }
    const pivot = round(acc);
    if (!Number.isFinite(pivot)) return { ok: false, reason: 'not-finite', pivot: j, value: pivot };
    if (!(pivot > 0)) return { ok: false, reason: 'non-positive-pivot', pivot: j, value: pivot };
    const diagonal = round(Math.fround(Math.sqrt(pivot)));
    work[rowJ + j] = diagonal;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let sum = Math.fround(round(matrix[rowI + j]!));
      for (let k = 0; k < j; k++) sum = Math.fround(sum - Math.fround(work[rowI + k]! * work[rowJ + k]!));
      const value = round(Math.fround(sum / diagonal));
      if (!Number.isFinite(value)) return { ok: false, reason: 'not-finite', pivot: j, value };
      work[rowI + j] = value;
    }
  }
  return { ok: true, factor: Float64Array.from(work) };
}

/**
 * Solves `(L Lᵀ) Y = B` for `Y` given the Cholesky factor `L` of {@link choleskyDecompose}:
 * forward substitution `L Z = B`, then back substitution `Lᵀ Y = Z`, i.e. `Y = S⁻¹ B`.
 * `B` is `d × n` row-major; its entries are first rounded to `dtype`; sums run in index order.
 * Rounding as in {@link choleskyDecompose}: `float64` exact arithmetic; `float32` every
 * operation rounded to float32; `bfloat16`/`float16` each row `Z_i = rnd(fround(acc / L_ii))`
 * with `acc = B_i − Σ_{k<i} L_ik Z_k` accumulated in float32 (each product and difference
 * rounded to float32), the stored `Z_i` rounded to `dtype`, and likewise for `Y_i` from `Z_i`.
 *
 * Overflow is not an error here: a result may hold ±∞ or NaN (for instance in `float16`), and
 * callers that need finite values check them.
 *
 * Cost: `2·d²·n` multiply-subtracts and `2·d·n` divides; one `d × n` output (plus a `d × n`
 * float32 work array and two length-`n` rows for the narrow dtypes).
 *
 * @example
 * ```ts
 * const outcome = choleskyDecompose(Float64Array.of(4, 2, 2, 5), 2, 'float64');
 * if (outcome.ok) choleskySolve(outcome.factor, 2, Float64Array.of(6, 7), 1, 'float64'); // [1, 1]
 * ```
 * @throws TypeError for non-Float64Array arguments or an unknown `dtype`; RangeError for
 *   negative or non-integer `d`, `n`, or arrays that are not `d × d` and `d × n`.
 */
export function choleskySolve(
  factor: Float64Array,
  d: number,
  rhs: Float64Array,
  n: number,
  dtype: DType,
): Float64Array {
  checkDimension(d, 'd');
  checkDimension(n, 'n');
  checkArray(factor, d * d, 'factor', `${d}×${d}`);
  checkArray(rhs, d * n, 'rhs', `${d}×${n}`);
  const kind = assertDType(dtype);
  return kind === 'float64' ? solveFloat64(factor, d, rhs, n) : solveNarrow(factor, d, rhs, n, kind);
}

function solveFloat64(factor: Float64Array, d: number, rhs: Float64Array, n: number): Float64Array {
  const y = Float64Array.from(rhs);
  // Forward: row i of Z is (B_i − Σ_{k<i} L_ik Z_k) / L_ii.
  for (let i = 0; i < d; i++) {
    const rowI = i * n;
    for (let k = 0; k < i; k++) {
      const lik = factor[i * d + k]!;
      const rowK = k * n;
      for (let c = 0; c < n; c++) y[rowI + c] = y[rowI + c]! - lik * y[rowK + c]!;
    }
    const diagonal = factor[i * d + i]!;
    for (let c = 0; c < n; c++) y[rowI + c] = y[rowI + c]! / diagonal;
  }
  // Back: row i of Y is (Z_i − Σ_{k>i} L_ki Y_k) / L_ii.
  for (let i = d - 1; i >= 0; i--) {
    const rowI = i * n;
    for (let k = i + 1; k < d; k++) {
      const lki = factor[k * d + i]!;
      const rowK = k * n;
      for (let c = 0; c < n; c++) y[rowI + c] = y[rowI + c]! - lki * y[rowK + c]!;
    }
    const diagonal = factor[i * d + i]!;
    for (let c = 0; c < n; c++) y[rowI + c] = y[rowI + c]! / diagonal;
  }
  return y;
}

/**
 * `float32`, `bfloat16`, `float16`: stored rows in a Float32Array `y` (values of `dtype`), the
 * row being computed accumulated in the float32 row `acc` (a Float32Array store is `fround`),
 * then rounded into `y` in bulk with `roundArray`.
 */
function solveNarrow(
  factor: Float64Array,
  d: number,
  rhs: Float64Array,
  n: number,
  dtype: DType,
): Float64Array {
  const y = Float32Array.from(roundArray(null, rhs, dtype));
  const acc = new Float32Array(n);
  // Forward: row i of Z is (B_i − Σ_{k<i} L_ik Z_k) / L_ii.
  for (let i = 0; i < d; i++) {
    const rowI = i * n;
    acc.set(y.subarray(rowI, rowI + n));
    for (let k = 0; k < i; k++) {
      const lik = factor[i * d + k]!;
      const rowK = k * n;
      for (let c = 0; c < n; c++) acc[c] = acc[c]! - Math.fround(lik * y[rowK + c]!);
    }
    const diagonal = factor[i * d + i]!;
    for (let c = 0; c < n; c++) acc[c] = acc[c]! / diagonal;
    roundArray(y.subarray(rowI, rowI + n), acc, dtype);
  }
  // Back: row i of Y is (Z_i − Σ_{k>i} L_ki Y_k) / L_ii.
  for (let i = d - 1; i >= 0; i--) {
    const rowI = i * n;
    acc.set(y.subarray(rowI, rowI + n));
    for (let k = i + 1; k < d; k++) {
      const lki = factor[k * d + i]!;
      const rowK = k * n;
      for (let c = 0; c < n; c++) acc[c] = acc[c]! - Math.fround(lki * y[rowK + c]!);
    }
    const diagonal = factor[i * d + i]!;
    for (let c = 0; c < n; c++) acc[c] = acc[c]! / diagonal;
    roundArray(y.subarray(rowI, rowI + n), acc, dtype);
  }
  return Float64Array.from(y);
}

/**
 * The right-side solve `X S⁻¹` for `S = L Lᵀ` (symmetric), as `(S⁻¹ Xᵀ)ᵀ` with
 * {@link choleskySolve}: `X` is `n × d` row-major and so is the result. Rounding as in
 * {@link choleskySolve} (the transposes are exact; rows of the transposed problem are columns
 * of `X`).
 *
 * Cost: `2·d²·n` multiply-subtracts and `2·d·n` divides, plus two `n × d` transposes.
 *
 * @example
 * ```ts
 * const outcome = choleskyDecompose(Float64Array.of(4, 2, 2, 5), 2, 'float64');
 * if (outcome.ok) choleskySolveRight(outcome.factor, 2, Float64Array.of(6, 7), 1, 'float64'); // [1, 1]
 * ```
 * @throws as {@link choleskySolve}, with `rhs` required to be `n × d`.
 */
export function choleskySolveRight(
  factor: Float64Array,
  d: number,
  rhs: Float64Array,
  n: number,
  dtype: DType,
): Float64Array {
  checkDimension(d, 'd');
  checkDimension(n, 'n');
  checkArray(rhs, d * n, 'rhs', `${n}×${d}`);
  const solved = choleskySolve(factor, d, transposeOf(rhs, n, d), n, dtype);
  return transposeOf(solved, d, n);
}

/** `Mᵀ` of a row-major `rows × cols` matrix, as a new `cols × rows` array. Cost O(rows·cols). */
function transposeOf(matrix: Float64Array, rows: number, cols: number): Float64Array {
  const result = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) result[j * rows + i] = matrix[i * cols + j]!;
  }
  return result;
}
