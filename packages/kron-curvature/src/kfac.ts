/**
 * The KFAC baseline (spec §2.1): dense Kronecker factors `S_K`, `S_C`, damped running averages
 * of `U_K = ÃᵀÃ` and `U_C = G̃ᵀG̃`, and the preconditioned gradient `S_C⁻¹ ∇ S_K⁻¹` through
 * Cholesky solves, all computed in one selectable {@link DType}. In `bfloat16`/`float16` every
 * operation of the factor update is rounded to the format, and the factorisation and the solves
 * accumulate in float32 and round every stored result to it (spec §5.3 explains why this fails
 * where SINGD's inverse-free update does not).
 */
import { DTYPES, type DType, describeValue, isDType, roundingFunction } from '@singd/half';
import type { DenseMatrix } from '@singd/structured-matrix';
import {
  type CholeskyFailureReason,
  choleskyDecompose,
  choleskySolve,
  choleskySolveRight,
} from './cholesky.js';
import { checkKfacState } from './kfac-state.js';
import {
  type CaptureProcessingOptions,
  checkKfacApproximation,
  checkLossAverage,
  type KfacApproximation,
  type LossAverage,
} from './options.js';

/**
 * The sizes of one preconditioned layer (spec §1.1): `∇W̃` is `outputDimension × inputDimension`.
 * For a Linear layer `inputDimension = d_K = inFeatures + (bias ? 1 : 0)` and
 * `outputDimension = d_C = outFeatures`; for a Conv2d layer `d_K = (C_in/groups)·K1·K2 (+1)`,
 * `d_C = C_out`.
 */
export interface KfacLayer {
  /** Keys the layer's state, its gradient and its preconditioned gradient. */
  readonly name: string;
  /** `d_K`, the size of the input-side factor `S_K` (bias column included). */
  readonly inputDimension: number;
  /** `d_C`, the size of the output-side factor `S_C`. */
  readonly outputDimension: number;
}

/** Hyper-parameters of {@link KfacPreconditioner}; every field is optional. */
export interface KfacOptions {
  /** Damping `λ`, added to the diagonal of `U_K` and `U_C`: a finite number `≥ 0`. Default `1e-3`. */
  readonly damping?: number | undefined;
  /**
   * Factor learning rate `β1` of `S ← (1−β1)·S + β1·(U + λI)`: a number in `[0, 1]`, or a schedule
   * `t ↦ β1` called with the 0-based step counter `t` of each update step. Default `1e-2`.
   */
  readonly lrCov?: number | ((step: number) => number) | undefined;
  /** Update period `T`: factors are updated on steps `t` with `t mod T = 0`. An integer `≥ 1`. Default `10`. */
  readonly T?: number | undefined;
  /** Precision of every stored factor and every operation. Default `'float32'`. */
  readonly dtype?: DType | undefined;
  /** How the captures are processed (reported in {@link KfacPreconditioner.captureOptions}). Default `'expand'`. */
  readonly approximation?: KfacApproximation | undefined;
  /** Over how many terms the loss is averaged (reported in {@link KfacPreconditioner.captureOptions}). Default `'batch'`. */
  readonly lossAverage?: LossAverage | undefined;
}

/** {@link KfacOptions} with every default filled in. */
export interface ResolvedKfacOptions {
  readonly damping: number;
  readonly lrCov: number | ((step: number) => number);
  readonly T: number;
  readonly dtype: DType;
  readonly approximation: KfacApproximation;
  readonly lossAverage: LossAverage;
}

/** The defaults of {@link KfacOptions}. */
export const KFAC_DEFAULTS: ResolvedKfacOptions = Object.freeze({
  damping: 1e-3,
  lrCov: 1e-2,
  T: 10,
  dtype: 'float32',
  approximation: 'expand',
  lossAverage: 'batch',
});

const OPTION_NAMES = Object.keys(KFAC_DEFAULTS);

/**
 * Why {@link KfacPreconditioner.step} did not produce preconditioned gradients for a layer.
 *
 * - `stage: 'factorisation'`: the updated `S_K` (`factor: 'K'`) or `S_C` (`'C'`) has no Cholesky
 *   factor in the dtype; `pivot` and `value` as in the failures of {@link choleskyDecompose}.
 * - `stage: 'solve'`: the solve with `S_K` (`∇ S_K⁻¹`) or then with `S_C` produced a NaN or ±∞
 *   (overflow); `index` is the first such entry of the `d_C × d_K` intermediate, row-major.
 * - `stage: 'input'`: the gradient itself holds a NaN or ±∞ at row-major `index`.
 */
export type KfacFailure =
  | {
      readonly layer: string;
      readonly stage: 'factorisation';
      readonly factor: 'K' | 'C';
      readonly reason: CholeskyFailureReason;
      readonly pivot: number;
      readonly value: number;
    }
  | {
      readonly layer: string;
      readonly stage: 'solve';
      readonly factor: 'K' | 'C';
      readonly reason: 'not-finite';
      readonly index: number;
      readonly value: number;
    }
  | {
      readonly layer: string;
      readonly stage: 'input';
      readonly factor: 'gradient';
      readonly reason: 'not-finite';
      readonly index: number;
      readonly value: number;
    };

/**
 * The result of {@link KfacPreconditioner.step}: the preconditioned gradients
 * `P = S_C⁻¹ ∇W̃ S_K⁻¹` (row-major `d_C × d_K`, bias last column, values of the dtype), or every
 * failure found. A failed step changes nothing.
 */
export type KfacStepOutcome =
  | { readonly ok: true; readonly preconditioned: Map<string, Float64Array> }
  | { readonly ok: false; readonly failures: readonly KfacFailure[] };

/** The state of one layer, as plain data (copies). */
export interface KfacLayerState {
  readonly name: string;
  readonly inputDimension: number;
  readonly outputDimension: number;
  /** `S_K`, row-major `d_K × d_K`. */
  readonly inputCurvature: Float64Array;
  /** `S_C`, row-major `d_C × d_C`. */
  readonly outputCurvature: Float64Array;
  /** `U_K` accumulated by {@link KfacPreconditioner.update} since the last step, or `null`. */
  readonly pendingInputCurvature: Float64Array | null;
  /** `U_C` accumulated since the last step, or `null`. */
  readonly pendingOutputCurvature: Float64Array | null;
}

/**
 * The whole state of a {@link KfacPreconditioner}, as plain data: what
 * {@link KfacPreconditioner.state} returns and {@link KfacPreconditioner.restore} takes back.
 */
export interface KfacState {
  /** The precision every factor and pending `U` holds values of. */
  readonly dtype: DType;
  /** The 0-based counter `t` of the next step. */
  readonly step: number;
  readonly layers: readonly KfacLayerState[];
}

/** Gradients `∇W̃` by layer name, row-major `d_C × d_K` with the bias gradient as last column. */
export type KfacGradients =
  | ReadonlyMap<string, Float32Array | Float64Array>
  | Readonly<Record<string, Float32Array | Float64Array>>;

interface LayerSlot {
  readonly layer: KfacLayer;
  inputCurvature: Float64Array;
  outputCurvature: Float64Array;
  inputCholesky: Float64Array;
  outputCholesky: Float64Array;
  pendingInput: Float64Array | null;
  pendingOutput: Float64Array | null;
}

function optionError(name: string, requirement: string, value: unknown): RangeError {
  return new RangeError(`${name} must be ${requirement}; got ${describeValue(value)}`);
}

function checkLrCovValue(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw optionError(name, 'a finite number in [0, 1]', value);
  }
  return value;
}

/**
 * Validates {@link KfacOptions} and fills in {@link KFAC_DEFAULTS}. Cost O(1).
 * @throws TypeError if `options` is not an object; RangeError naming the option and its valid
 *   range for an unknown option or a value out of range, e.g.
 *   `damping must be a finite number >= 0; got -1`.
 */
export function resolveKfacOptions(options: KfacOptions = {}): ResolvedKfacOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`KFAC options must be an object; got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new RangeError(`unknown KFAC option '${key}'; known options: ${OPTION_NAMES.join(', ')}`);
    }
  }
  const damping = options.damping ?? KFAC_DEFAULTS.damping;
  if (typeof damping !== 'number' || !(damping >= 0 && Number.isFinite(damping))) {
    throw optionError('damping', 'a finite number >= 0', damping);
  }
  const lrCov = options.lrCov ?? KFAC_DEFAULTS.lrCov;
  if (typeof lrCov !== 'function') {
    if (typeof lrCov !== 'number' || !(lrCov >= 0 && lrCov <= 1)) {
      throw optionError('lrCov', 'a finite number in [0, 1] or a function step ↦ β1', lrCov);
    }
  }
  const T = options.T ?? KFAC_DEFAULTS.T;
  if (!Number.isInteger(T) || T < 1) throw optionError('T', 'an integer >= 1', T);
  const dtype = options.dtype ?? KFAC_DEFAULTS.dtype;
  if (!isDType(dtype)) {
    throw optionError('dtype', `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`, dtype);
  }
  const approximation = checkKfacApproximation(options.approximation ?? KFAC_DEFAULTS.approximation);
  const lossAverage = checkLossAverage(
    options.lossAverage === undefined ? KFAC_DEFAULTS.lossAverage : options.lossAverage,
  );
  return Object.freeze({ damping, lrCov, T, dtype, approximation, lossAverage });
}

function identityMatrix(d: number): Float64Array {
  const result = new Float64Array(d * d);
  for (let i = 0; i < d; i++) result[i * d + i] = 1;
  return result;
}

function firstNonFinite(values: ArrayLike<number>): number {
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index]!)) return index;
  }
  return -1;
}

function checkLayers(layers: readonly KfacLayer[]): KfacLayer[] {
  if (!Array.isArray(layers)) {
    throw new TypeError(
      `layers must be an array of { name, inputDimension, outputDimension }; got ${describeValue(layers)}`,
    );
  }
  const names = new Set<string>();
  return layers.map((layer, position) => {
    if (typeof layer !== 'object' || layer === null || typeof layer.name !== 'string' || layer.name === '') {
      throw new TypeError(
        `layers[${position}] must be { name, inputDimension, outputDimension } with a non-empty name`,
      );
    }
    if (names.has(layer.name)) throw new RangeError(`duplicate layer name '${layer.name}'`);
    names.add(layer.name);
    for (const key of ['inputDimension', 'outputDimension'] as const) {
      if (!Number.isInteger(layer[key]) || layer[key] < 1) {
        throw new RangeError(
          `layer '${layer.name}': ${key} must be an integer >= 1; got ${describeValue(layer[key])}`,
        );
      }
    }
    return Object.freeze({
      name: layer.name,
      inputDimension: layer.inputDimension,
      outputDimension: layer.outputDimension,
    });
  });
}

/**
 * KFAC with dense factors (spec §2.1), for a fixed set of layers. Per layer it keeps
 * `S_K` (`d_K × d_K`) and `S_C` (`d_C × d_C`), stored as dtype values in Float64Arrays, and
 * their cached Cholesky factors. One step `t` (0-based):
 *
 * 1. if `t mod T = 0` (an *update step*, {@link isUpdateStep}): the caller passes the processed
 *    captures to {@link update} (`U_K = Σ ÃᵀÃ`, `U_C = Σ G̃ᵀG̃`, summed over calls, e.g.
 *    micro-batches); then {@link step} sets
 *    `S_K ← (1−β1)·S_K + β1·(U_K + λI)`, `S_C ← (1−β1)·S_C + β1·(U_C + λI)` and re-factorises;
 * 2. every step, {@link step} returns `P = S_C⁻¹ ∇W̃ S_K⁻¹` by Cholesky solves.
 *
 * **Initial state**: `S_K = I`, `S_C = I` (like SINGD's `K = C = I`, spec §2.5.B), so the first
 * update gives `(1−β1)·I + β1·(U + λI)`, and a step before any update (possible only after
 * {@link skipStep}) returns `∇W̃` rounded to `dtype`.
 *
 * **Precision**: `U = ÃᵀÃ` is a product of the structured-matrix backend in `dtype` (for the
 * half formats: float32 accumulation, rounded result, like tensor cores); the factor update
 * rounds every operation to `dtype`; the Cholesky factorisation and both triangular solves
 * accumulate in float32 and round every stored entry (of `L`, of the intermediate and final
 * solutions) to `dtype`, the same tensor-core policy (see {@link choleskyDecompose}).
 *
 * **Errors**: numerical trouble is a typed outcome — a factorisation that fails, a gradient or
 * solve with NaN/±∞ returns `{ ok: false, failures }` from {@link step}, and the step is then
 * not applied: factors, cached Cholesky factors, pending `U`s and the step counter stay as they
 * were (retry, or drop the step with {@link skipStep}). Caller mistakes throw before anything
 * changes: unknown layer names (Error), wrong sizes (RangeError naming the layer and both
 * shapes), `update` on a step that is not an update step, a missing `update` before an update
 * step (Error), invalid options (RangeError).
 *
 * **Checkpoints**: {@link state} returns the whole state as plain data and {@link restore} (or
 * {@link KfacPreconditioner.fromState}) takes it back after validating it, so a run resumed
 * from a saved state continues bit-identically.
 *
 * **Parameter updates** (weight decay, momentum, learning rate; spec §2.5.E3) are not part of
 * this class: apply {@link kfacParameterUpdate} (or any other rule) to the returned `P`.
 *
 * Cost per step and layer: `O(d_K²·d_C + d_C²·d_K)` for the solves; on update steps in addition
 * `O(d_K³/3 + d_C³/3)` for the factorisations and `O(rows·(d_K² + d_C²))` per {@link update}.
 * Memory: `2·(d_K² + d_C²)` numbers (factors and their Cholesky factors) plus the pending `U`s.
 *
 * @example
 * ```ts
 * const kfac = new KfacPreconditioner([{ name: 'fc', inputDimension: 3, outputDimension: 2 }], { T: 1 });
 * kfac.update('fc', inputs, outputGradients); // Ã (rows × 3), G̃ (rows × 2) as DenseMatrix
 * const outcome = kfac.step({ fc: gradient }); // gradient: Float64Array, 2 × 3 row-major
 * if (outcome.ok) outcome.preconditioned.get('fc'); // S_C⁻¹ ∇ S_K⁻¹
 * ```
 */
export class KfacPreconditioner {
  /** The validated options with defaults filled in. */
  readonly options: ResolvedKfacOptions;
  /** The layers, in the order given (failures and states follow it). */
  readonly layers: readonly KfacLayer[];
  private readonly slots: Map<string, LayerSlot>;
  private steps = 0;

  /**
   * @throws TypeError for malformed layers or options; RangeError for duplicate names,
   *   non-positive dimensions or out-of-range options (see {@link resolveKfacOptions}).
   */
  constructor(layers: readonly KfacLayer[], options: KfacOptions = {}) {
    this.options = resolveKfacOptions(options);
    this.layers = Object.freeze(checkLayers(layers));
    this.slots = new Map(
      this.layers.map((layer) => [
        layer.name,
        {
          layer,
          inputCurvature: identityMatrix(layer.inputDimension),
          outputCurvature: identityMatrix(layer.outputDimension),
          inputCholesky: identityMatrix(layer.inputDimension),
          outputCholesky: identityMatrix(layer.outputDimension),
          pendingInput: null,
          pendingOutput: null,
        },
      ]),
    );
  }

  /** The 0-based counter `t` of the next {@link step}. */
  get stepCount(): number {
    return this.steps;
  }

  /** Whether the next {@link step} updates the factors (`t mod T = 0`): capture and call {@link update} only then. */
  get isUpdateStep(): boolean {
    return this.steps % this.options.T === 0;
  }

  /**
   * The options to process captures with, matching this preconditioner (both dtypes = `dtype`),
   * for `processLinearCapture` / `processConv2dCapture`.
   */
  get captureOptions(): CaptureProcessingOptions {
    const { approximation, lossAverage, dtype } = this.options;
    return { approximation, lossAverage, inputDtype: dtype, outputGradientDtype: dtype };
  }

  /**
   * Adds one capture of `layerName` to the pending curvature of this update step:
   * `U_K += ÃᵀÃ`, `U_C += G̃ᵀG̃` (in `dtype`; the matrices are first converted to it). Several
   * calls before one {@link step} (micro-batches) sum, as in the reference (spec §2.5.C.7).
   * NaN/±∞ in the captures are not rejected here; they make the next {@link step} fail with
   * `reason: 'not-finite'`.
   *
   * Cost: `O(rows_A·d_K² + rows_G·d_C²)`.
   * @throws Error for an unknown layer or when {@link isUpdateStep} is false; RangeError when
   *   `Ã` does not have `d_K` columns or `G̃` not `d_C` columns.
   */
  update(layerName: string, processedInputs: DenseMatrix, processedGrads: DenseMatrix): void {
    const slot = this.slot(layerName);
    const { inputDimension: dK, outputDimension: dC } = slot.layer;
    if (processedInputs?.cols !== dK) {
      throw new RangeError(
        `layer '${layerName}': processed inputs Ã are ${shapeOf(processedInputs)}; expected rows × ${dK} (d_K)`,
      );
    }
    if (processedGrads?.cols !== dC) {
      throw new RangeError(
        `layer '${layerName}': processed output gradients G̃ are ${shapeOf(processedGrads)}; expected rows × ${dC} (d_C)`,
      );
    }
    if (!this.isUpdateStep) {
      throw new Error(
        `layer '${layerName}': update() at step ${this.steps}, which is not an update step (T = ${this.options.T}); capture only when isUpdateStep is true`,
      );
    }
    const { dtype } = this.options;
    slot.pendingInput = accumulate(slot.pendingInput, gramMatrix(processedInputs, dtype), dtype);
    slot.pendingOutput = accumulate(slot.pendingOutput, gramMatrix(processedGrads, dtype), dtype);
  }

  /**
   * One KFAC step: on update steps the factor update and re-factorisation of every layer, then
   * `P = S_C⁻¹ ∇W̃ S_K⁻¹` for every layer in `gradients` (a subset of the layers is allowed;
   * the gradients are rounded to `dtype` first). On success the state is committed and the
   * step counter advances; on any failure (see {@link KfacFailure}; all of them are reported)
   * nothing changes.
   *
   * Cost: see {@link KfacPreconditioner}.
   * @throws Error for an unknown layer name or, on an update step, a layer without a pending
   *   {@link update}; RangeError for a gradient that is not `d_C × d_K`, or an `lrCov` schedule
   *   returning a value outside `[0, 1]`.
   */
  step(gradients: KfacGradients): KfacStepOutcome {
    const entries = this.checkGradients(gradients);
    const { dtype, damping } = this.options;
    const failures: KfacFailure[] = [];
    const isUpdate = this.isUpdateStep;
    const updated = new Map<
      string,
      { input: Float64Array; output: Float64Array; inputL: Float64Array; outputL: Float64Array }
    >();
    if (isUpdate) {
      const missing = this.layers.filter((layer) => this.slots.get(layer.name)!.pendingInput === null);
      if (missing.length > 0) {
        throw new Error(
          `step ${this.steps} updates the factors, but no curvature was captured for ${missing.map((l) => `layer '${l.name}'`).join(', ')}; call update() first (or skipStep())`,
        );
      }
      const lrCov = this.lrCovAt(this.steps);
      for (const layer of this.layers) {
        const slot = this.slots.get(layer.name)!;
        const input = dampedAverage(
          slot.inputCurvature,
          slot.pendingInput!,
          layer.inputDimension,
          lrCov,
          damping,
          dtype,
        );
        const output = dampedAverage(
          slot.outputCurvature,
          slot.pendingOutput!,
          layer.outputDimension,
          lrCov,
          damping,
          dtype,
        );
        const inputOutcome = choleskyDecompose(input, layer.inputDimension, dtype);
        const outputOutcome = choleskyDecompose(output, layer.outputDimension, dtype);
        if (!inputOutcome.ok) {
          const { reason, pivot, value } = inputOutcome;
          failures.push({ layer: layer.name, stage: 'factorisation', factor: 'K', reason, pivot, value });
        }
        if (!outputOutcome.ok) {
          const { reason, pivot, value } = outputOutcome;
          failures.push({ layer: layer.name, stage: 'factorisation', factor: 'C', reason, pivot, value });
        }
        if (inputOutcome.ok && outputOutcome.ok) {
          updated.set(layer.name, {
            input,
            output,
            inputL: inputOutcome.factor,
            outputL: outputOutcome.factor,
          });
        }
      }
    }
    const preconditioned = new Map<string, Float64Array>();
    for (const [name, gradient] of entries) {
      const slot = this.slots.get(name)!;
      const bad = firstNonFinite(gradient);
      if (bad >= 0) {
        failures.push({
          layer: name,
          stage: 'input',
          factor: 'gradient',
          reason: 'not-finite',
          index: bad,
          value: gradient[bad]!,
        });
        continue;
      }
      const next = updated.get(name);
      if (isUpdate && next === undefined) continue; // its factorisation failed, reported above
      const { inputDimension: dK, outputDimension: dC } = slot.layer;
      const rounded = Float64Array.from(gradient);
      const right = choleskySolveRight(next?.inputL ?? slot.inputCholesky, dK, rounded, dC, dtype);
      const rightBad = firstNonFinite(right);
      if (rightBad >= 0) {
        failures.push({
          layer: name,
          stage: 'solve',
          factor: 'K',
          reason: 'not-finite',
          index: rightBad,
          value: right[rightBad]!,
        });
        continue;
      }
      const result = choleskySolve(next?.outputL ?? slot.outputCholesky, dC, right, dK, dtype);
      const resultBad = firstNonFinite(result);
      if (resultBad >= 0) {
        failures.push({
          layer: name,
          stage: 'solve',
          factor: 'C',
          reason: 'not-finite',
          index: resultBad,
          value: result[resultBad]!,
        });
        continue;
      }
      preconditioned.set(name, result);
    }
    if (failures.length > 0) return { ok: false, failures: Object.freeze(failures) };
    for (const [name, next] of updated) {
      const slot = this.slots.get(name)!;
      slot.inputCurvature = next.input;
      slot.outputCurvature = next.output;
      slot.inputCholesky = next.inputL;
      slot.outputCholesky = next.outputL;
    }
    this.finishStep();
    return { ok: true, preconditioned };
  }

  /**
   * Drops the step: discards every pending `U` and advances the step counter without touching
   * the factors (the analogue of the reference's handling of a loss-scaler overflow, spec
   * §2.5.D.2). Use it after a failed {@link step} to continue with the next batch. Cost O(#layers).
   */
  skipStep(): void {
    this.finishStep();
  }

  /**
   * The whole state as plain data (copies): dtype, step counter, `S_K`, `S_C` and pending `U`s
   * per layer (the cached Cholesky factors are not part of it: {@link restore} recomputes them,
   * bit-identically). Cost `O(Σ d_K² + d_C²)`.
   */
  state(): KfacState {
    return {
      dtype: this.options.dtype,
      step: this.steps,
      layers: this.layers.map((layer) => {
        const slot = this.slots.get(layer.name)!;
        return {
          name: layer.name,
          inputDimension: layer.inputDimension,
          outputDimension: layer.outputDimension,
          inputCurvature: slot.inputCurvature.slice(),
          outputCurvature: slot.outputCurvature.slice(),
          pendingInputCurvature: slot.pendingInput?.slice() ?? null,
          pendingOutputCurvature: slot.pendingOutput?.slice() ?? null,
        };
      }),
    };
  }

  /**
   * Replaces the whole state with `state` (from {@link KfacPreconditioner.state}, e.g. read back from a
   * checkpoint), so that the preconditioner continues bit-identically to the one that produced
   * it. The arrays are copied; the Cholesky factors of `S_K` and `S_C` are recomputed in `dtype`
   * (the factorisation is deterministic, so they equal the cached ones of the original).
   *
   * Everything is validated first (see {@link checkKfacState}): the dtype, the step counter, the
   * layer names (any order) and their `d_K`, `d_C`, the size, finiteness, dtype-exactness,
   * symmetry and positive definiteness of every factor, and the pending `U`s (both or neither,
   * finite, only at an update step). On any mismatch nothing changes. The options (`T`,
   * `lrCov`, `damping`, …) are not part of the state: restore into a preconditioner built with
   * the same options to continue the same run.
   *
   * Cost `O(Σ d_K³/3 + d_C³/3)` for the factorisations plus `O(Σ d_K² + d_C²)` for the checks and
   * copies.
   *
   * @example
   * ```ts
   * const saved = kfac.state();
   * const resumed = new KfacPreconditioner(kfac.layers, { T: 1 });
   * resumed.restore(saved); // resumed.step(…) now equals kfac.step(…) bit for bit
   * ```
   * @throws KfacStateError listing every difference between `state` and this preconditioner.
   */
  restore(state: KfacState): void {
    const checked = checkKfacState(this.layers, this.options, state);
    for (const [name, layer] of checked.layers) {
      const slot = this.slots.get(name)!;
      slot.inputCurvature = layer.inputCurvature;
      slot.outputCurvature = layer.outputCurvature;
      slot.inputCholesky = layer.inputCholesky;
      slot.outputCholesky = layer.outputCholesky;
      slot.pendingInput = layer.pendingInput;
      slot.pendingOutput = layer.pendingOutput;
    }
    this.steps = checked.step;
  }

  /**
   * A new preconditioner for `layers` and `options` holding `state`: `new KfacPreconditioner(
   * layers, options)` followed by {@link restore}. Cost as {@link restore}.
   * @throws as the constructor for bad layers or options; KfacStateError listing every
   *   difference between `state` and the layers/options.
   */
  static fromState(layers: readonly KfacLayer[], options: KfacOptions, state: KfacState): KfacPreconditioner {
    const kfac = new KfacPreconditioner(layers, options);
    kfac.restore(state);
    return kfac;
  }

  private finishStep(): void {
    for (const slot of this.slots.values()) {
      slot.pendingInput = null;
      slot.pendingOutput = null;
    }
    this.steps += 1;
  }

  private lrCovAt(step: number): number {
    const { lrCov } = this.options;
    if (typeof lrCov === 'number') return lrCov;
    return checkLrCovValue(lrCov(step), `lrCov(${step}) (the schedule's value)`);
  }

  private slot(layerName: string): LayerSlot {
    const slot = this.slots.get(layerName);
    if (slot === undefined) {
      throw new Error(
        `unknown layer ${describeValue(layerName)}; known layers: ${this.layers.map((l) => `'${l.name}'`).join(', ')}`,
      );
    }
    return slot;
  }

  private checkGradients(gradients: KfacGradients): [string, Float32Array | Float64Array][] {
    if (typeof gradients !== 'object' || gradients === null) {
      throw new TypeError(
        `gradients must be a Map or record layer name → Float64Array; got ${describeValue(gradients)}`,
      );
    }
    const entries: [string, unknown][] =
      gradients instanceof Map
        ? [...gradients.entries()]
        : Object.entries(gradients as Record<string, unknown>);
    return entries.map(([name, gradient]) => {
      const { layer } = this.slot(name);
      const { inputDimension: dK, outputDimension: dC } = layer;
      if (!(gradient instanceof Float64Array) && !(gradient instanceof Float32Array)) {
        throw new TypeError(
          `layer '${name}': gradient must be a Float64Array or Float32Array; got ${describeValue(gradient)}`,
        );
      }
      if (gradient.length !== dC * dK) {
        throw new RangeError(
          `layer '${name}': gradient has shape [${gradient.length}] (${gradient.length} entries); expected [${dC}, ${dK}] (d_C × d_K, ${dC * dK} entries, bias last column)`,
        );
      }
      return [name, gradient];
    });
  }
}

function shapeOf(matrix: unknown): string {
  if (typeof matrix === 'object' && matrix !== null && 'rows' in matrix && 'cols' in matrix) {
    return `${String(matrix.rows)}×${String(matrix.cols)}`;
  }
  return describeValue(matrix);
}

/** `XᵀX` of a rows × d DenseMatrix in `dtype`, exactly symmetric (lower triangle mirrored). */
function gramMatrix(x: DenseMatrix, dtype: DType): Float64Array {
  const converted = x.dtype === dtype ? x : x.toDtype(dtype);
  const d = converted.cols;
  const gram = converted.transpose().matmul(converted).toFloat64Array();
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) gram[j * d + i] = gram[i * d + j]!;
  }
  return gram;
}

function accumulate(sum: Float64Array | null, term: Float64Array, dtype: DType): Float64Array {
  if (sum === null) return term;
  const round = roundingFunction(dtype);
  const result = new Float64Array(sum.length);
  for (let index = 0; index < sum.length; index++) result[index] = round(sum[index]! + term[index]!);
  return result;
}

/**
 * `(1−β1)·S + β1·(U + λI)` with every operation rounded to `dtype`:
 * `S_ij ← r(r(r(1−β1)·S_ij) + r(r(β1)·u_ij))`, `u_ii = r(U_ii + r(λ))`, `u_ij = U_ij` off the diagonal.
 */
function dampedAverage(
  current: Float64Array,
  curvature: Float64Array,
  d: number,
  lrCov: number,
  damping: number,
  dtype: DType,
): Float64Array {
  const round = roundingFunction(dtype);
  const keep = round(1 - lrCov);
  const rate = round(lrCov);
  const lambda = round(damping);
  const result = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const index = i * d + j;
      const u = i === j ? round(curvature[index]! + lambda) : curvature[index]!;
      result[index] = round(round(keep * current[index]!) + round(rate * u));
    }
  }
  return result;
}

/** Hyper-parameters of {@link kfacParameterUpdate} (spec §2.5.E3). */
export interface KfacParameterUpdateOptions {
  /** Learning rate `β2`, a finite number `≥ 0`. */
  readonly lr: number;
  /** Gradient momentum `α2`, a finite number `≥ 0` (0: no buffer). Default 0. */
  readonly momentum?: number | undefined;
  /** Weight decay `γ`, a finite number `≥ 0`, added after preconditioning (also to the bias). Default 0. */
  readonly weightDecay?: number | undefined;
}

/** New parameters and momentum buffers from {@link kfacParameterUpdate}. */
export interface KfacParameterUpdateResult {
  readonly params: Map<string, Float64Array>;
  /** Momentum buffers by layer (empty when `momentum = 0`). */
  readonly buffers: Map<string, Float64Array>;
}

/**
 * The parameter update of spec §2.5.E3 for every layer of `preconditioned`, as a pure function
 * in float64 (the inputs are not modified):
 *
 * `s = P + γ·W̃`; if `α2 ≠ 0`: `buf ← α2·buf + s` (a missing buffer counts as 0), `s = buf`;
 * `W̃ ← W̃ − β2·s`.
 *
 * Parameters are `W̃ = [W | b]` row-major `d_C × d_K`, like the preconditioned gradients `P`.
 * The result holds exactly the layers of `preconditioned`. This is a standalone copy of the
 * rule so the KFAC baseline is complete inside this package; `@singd/singd`'s composable
 * transforms (decayed weights → momentum → learning rate) compute the same.
 *
 * Cost: O(Σ d_C·d_K) time and new storage.
 * @throws RangeError for out-of-range hyper-parameters, a layer of `preconditioned` without
 *   parameters, or parameters/buffers whose length differs from `P`'s.
 */
export function kfacParameterUpdate(
  params: ReadonlyMap<string, Float64Array>,
  preconditioned: ReadonlyMap<string, Float64Array>,
  buffers: ReadonlyMap<string, Float64Array>,
  options: KfacParameterUpdateOptions,
): KfacParameterUpdateResult {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`kfacParameterUpdate: options must be an object; got ${describeValue(options)}`);
  }
  const { lr } = options;
  const momentum = options.momentum ?? 0;
  const weightDecay = options.weightDecay ?? 0;
  for (const [name, value] of [
    ['lr', lr],
    ['momentum', momentum],
    ['weightDecay', weightDecay],
  ] as const) {
    if (typeof value !== 'number' || !(value >= 0 && Number.isFinite(value))) {
      throw optionError(name, 'a finite number >= 0', value);
    }
  }
  const newParams = new Map<string, Float64Array>();
  const newBuffers = new Map<string, Float64Array>();
  for (const [name, direction] of preconditioned) {
    const param = params.get(name);
    if (param === undefined) throw new RangeError(`layer '${name}': no parameters to update`);
    if (param.length !== direction.length) {
      throw new RangeError(
        `layer '${name}': parameters have ${param.length} entries but the preconditioned gradient has ${direction.length}`,
      );
    }
    const buffer = buffers.get(name);
    if (buffer !== undefined && buffer.length !== direction.length) {
      throw new RangeError(
        `layer '${name}': momentum buffer has ${buffer.length} entries but the preconditioned gradient has ${direction.length}`,
      );
    }
    const nextParam = new Float64Array(param.length);
    const nextBuffer = momentum !== 0 ? new Float64Array(param.length) : null;
    for (let index = 0; index < param.length; index++) {
      let step = direction[index]!;
      if (weightDecay !== 0) step += weightDecay * param[index]!;
      if (nextBuffer !== null) {
        step = momentum * (buffer?.[index] ?? 0) + step;
        nextBuffer[index] = step;
      }
      nextParam[index] = param[index]! - lr * step;
    }
    newParams.set(name, nextParam);
    if (nextBuffer !== null) newBuffers.set(name, nextBuffer);
  }
  return { params: newParams, buffers: newBuffers };
}
