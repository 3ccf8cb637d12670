import { assertDType, type DType, describeValue } from '@singd/half';
import {
  DenseMatrix,
  fromMatInner,
  identity,
  type MatrixByKind,
  type StructuredMatrix,
  type StructureSpec,
} from '@singd/structured-matrix';

/**
 * The Kronecker factor `Π(ÃᵀÃ)` of processed captures `Ã` (rows × d, from
 * `processLinearInputs`, `processConv2dOutputGradients`, …) in `structure` (default dense):
 * `A = ÃᵀÃ` for inputs, `G = G̃ᵀG̃` for output gradients (spec §1.2), projected with the
 * structure's Π (spec §3.2) — for the dense structure Π is the identity. Computed as
 * `fromMatInner(structure, Ãᵀ)`, which never forms the d × d matrix for sparse structures.
 * The result has `Ã`'s dtype and backend.
 *
 * Cost: O(rows·d) for the transpose plus `fromMatInner`: O(rows·d²) dense, O(rows·d) diagonal,
 * O(rows · stored entries) in general.
 *
 * @example
 * ```ts
 * const a = DenseMatrix.fromRows([[1, 2], [3, 4]]);
 * kroneckerFactor(a).toRows(); // [[10, 14], [14, 20]] = ÃᵀÃ
 * kroneckerFactor(a, { kind: 'diagonal' }).toRows(); // [[10, 0], [0, 20]]
 * ```
 * @throws TypeError if `processed` is not a DenseMatrix; RangeError for a bad structure spec.
 */
export function kroneckerFactor<S extends StructureSpec = { readonly kind: 'dense' }>(
  processed: DenseMatrix,
  structure: S = { kind: 'dense' } as S,
): MatrixByKind[S['kind']] {
  if (!(processed instanceof DenseMatrix)) {
    throw new TypeError(
      `kroneckerFactor: processed must be a DenseMatrix (rows × d); got ${describeValue(processed)}`,
    );
  }
  return fromMatInner(structure, processed.transpose());
}

/** The rates of one running-average update (spec §2.1). */
export interface KroneckerFactorUpdateOptions {
  /** The averaging rate `β ∈ [0, 1]` (`β1`, `lr_cov`): weight of the new statistic. */
  readonly beta: number;
  /** The damping `λ ≥ 0` added to the new statistic's diagonal. */
  readonly damping: number;
}

function checkRates(options: KroneckerFactorUpdateOptions, what: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${what}: options { beta, damping } must be an object; got ${describeValue(options)}`,
    );
  }
  const { beta, damping } = options;
  if (typeof beta !== 'number' || !(beta >= 0 && beta <= 1)) {
    throw new RangeError(`${what}: beta must be a number in [0, 1]; got ${describeValue(beta)}`);
  }
  if (typeof damping !== 'number' || !(damping >= 0) || !Number.isFinite(damping)) {
    throw new RangeError(`${what}: damping must be a finite number ≥ 0; got ${describeValue(damping)}`);
  }
}

/**
 * One running-average step of a damped Kronecker factor (spec §2.1), as a pure function:
 * `(1 − β)·S + β·(U + λI)` for the current average `S` and a new statistic `U` of the same
 * structure, size, dtype and backend (e.g. from {@link kroneckerFactor}). Returns a new
 * matrix; neither operand changes. Cost O(stored entries).
 *
 * @throws RangeError for `β ∉ [0, 1]` or a negative/non-finite `λ`; the structure errors of
 *   `addInPlace` when `S` and `U` differ in structure, size, dtype or backend.
 */
export function dampedRunningAverage<M extends StructuredMatrix>(
  average: M,
  statistic: M,
  options: KroneckerFactorUpdateOptions,
): M {
  checkRates(options, 'dampedRunningAverage');
  const { beta, damping } = options;
  return average
    .scale(1 - beta)
    .addInPlace(statistic, beta)
    .addIdentityInPlace(beta * damping);
}

/** How a {@link RunningKroneckerFactor} starts. */
export interface RunningKroneckerFactorOptions {
  /** dtype of the average (the factor precision). Default float32. */
  readonly dtype?: DType | undefined;
  /**
   * The starting average `S₀` (copied), e.g. restored from a checkpoint; it must have the
   * structure, size and dtype of the factor. Default: the identity `I`.
   */
  readonly initialValue?: StructuredMatrix | undefined;
  /** Names the factor in error messages, e.g. `layer 'fc1' input factor`. */
  readonly name?: string | undefined;
}

/**
 * A running average of a damped Kronecker factor, as KFAC keeps it (spec §2.1):
 * `S ← (1 − β)·S + β·(Π(ÃᵀÃ) + λI)` on every update, starting from `S₀ = I`.
 *
 * Why the identity: SINGD/IKFAC start from `K = I`, i.e. `S_K⁻¹ = K Kᵀ = I`; with `S₀ = I` the
 * KFAC baseline and IKFAC start from the same preconditioner, and the first-order agreement
 * of spec §2.6 holds from the first step. (With `β = 1` the first update gives `Π(ÃᵀÃ) + λI`,
 * the plain damped factor.) The average lives in `structure` and `dtype`; updates build a new
 * matrix, so a value read earlier never changes.
 *
 * @example
 * ```ts
 * const factor = new RunningKroneckerFactor({ kind: 'dense' }, 2, { dtype: 'float64' });
 * factor.update(DenseMatrix.fromRows([[1, 0], [0, 2]], 'float64'), { beta: 0.5, damping: 0.1 });
 * factor.value.toRows(); // 0.5·I + 0.5·([[1, 0], [0, 4]] + 0.1·I) = [[1.05, 0], [0, 2.55]]
 * ```
 */
export class RunningKroneckerFactor<S extends StructureSpec = StructureSpec> {
  /** The structure of the average. */
  readonly structure: S;
  /** The order d of the (d × d) factor. */
  readonly size: number;
  /** The dtype of the average. */
  readonly dtype: DType;
  /** Names the factor in error messages. */
  readonly name: string;
  #average: MatrixByKind[S['kind']];
  #updateCount = 0;

  /**
   * A factor of order `size` in `structure`, starting from the identity (or
   * `options.initialValue`). Cost O(stored entries).
   * @throws RangeError for a bad size or structure, or an initial value that does not fit.
   */
  constructor(structure: S, size: number, options: RunningKroneckerFactorOptions = {}) {
    this.name = options.name ?? 'RunningKroneckerFactor';
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`${this.name}: size must be a positive integer; got ${describeValue(size)}`);
    }
    this.structure = structure;
    this.size = size;
    this.dtype = assertDType(options.dtype ?? 'float32');
    const start = identity(structure, size, { dtype: this.dtype });
    const initial = options.initialValue;
    if (initial !== undefined) {
      if (
        initial.kind !== start.kind ||
        JSON.stringify(initial.spec) !== JSON.stringify(start.spec) ||
        initial.rows !== size ||
        initial.cols !== size ||
        initial.dtype !== this.dtype
      ) {
        throw new RangeError(
          `${this.name}: initialValue ${initial.toString()} ${JSON.stringify(initial.spec)} does not fit a ${start.toString()} ${JSON.stringify(start.spec)} factor`,
        );
      }
      this.#average = initial.clone() as MatrixByKind[S['kind']];
    } else this.#average = start;
  }

  /** A copy of the current average `S` (cost O(stored entries)). */
  get value(): MatrixByKind[S['kind']] {
    return this.#average.clone() as MatrixByKind[S['kind']];
  }

  /** How many updates have been applied. */
  get updateCount(): number {
    return this.#updateCount;
  }

  /**
   * `S ← (1 − β)·S + β·(Π(ÃᵀÃ) + λI)` from processed captures `Ã` (rows × d), which are first
   * converted to the factor's dtype. Returns `this`.
   * Cost: {@link kroneckerFactor} plus O(stored entries).
   * @throws TypeError if `processed` is not a DenseMatrix; RangeError naming the factor when
   *   its column count is not `size`, or for bad rates.
   */
  update(processed: DenseMatrix, options: KroneckerFactorUpdateOptions): this {
    if (!(processed instanceof DenseMatrix)) {
      throw new TypeError(
        `${this.name}: update needs a DenseMatrix (rows × ${this.size}); got ${describeValue(processed)}`,
      );
    }
    if (processed.cols !== this.size) {
      throw new RangeError(
        `${this.name}: processed matrix is ${processed.rows}×${processed.cols}; expected rows × ${this.size} for a ${this.size}×${this.size} factor`,
      );
    }
    checkRates(options, this.name);
    const converted = processed.dtype === this.dtype ? processed : processed.toDtype(this.dtype);
    return this.updateFromFactor(kroneckerFactor(converted, this.structure), options);
  }

  /**
   * `S ← (1 − β)·S + β·(U + λI)` from a statistic `U` already in the factor's structure
   * (e.g. the sum of {@link kroneckerFactor}s of several micro-batches), converted to the
   * factor's dtype if needed. Returns `this`. Cost O(stored entries).
   * @throws RangeError naming the factor when `U` has another structure or size.
   */
  updateFromFactor(statistic: MatrixByKind[S['kind']], options: KroneckerFactorUpdateOptions): this {
    if (
      statistic?.kind !== this.#average.kind ||
      statistic.rows !== this.size ||
      JSON.stringify(statistic.spec) !== JSON.stringify(this.#average.spec)
    ) {
      throw new RangeError(
        `${this.name}: statistic ${describeStatistic(statistic)} does not match the factor ${JSON.stringify(this.#average.spec)} ${this.size}×${this.size}`,
      );
    }
    checkRates(options, this.name);
    const converted = statistic.dtype === this.dtype ? statistic : statistic.toDtype(this.dtype);
    this.#average = dampedRunningAverage<StructuredMatrix>(
      this.#average,
      converted,
      options,
    ) as MatrixByKind[S['kind']];
    this.#updateCount++;
    return this;
  }
}

function describeStatistic(statistic: unknown): string {
  if (statistic instanceof Object && 'spec' in statistic && 'rows' in statistic) {
    const m = statistic as StructuredMatrix;
    return `${JSON.stringify(m.spec)} ${m.rows}×${m.cols}`;
  }
  return describeValue(statistic);
}
