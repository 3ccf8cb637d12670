/**
 * The hyper-parameters of the SINGD optimizer (spec §2.5.A), per layer, with validation.
 *
 * @module
 */
import { describeValue } from '@singd/half';
import {
  checkKfacApproximation,
  checkLossAverage,
  type KfacApproximation,
  type LossAverage,
} from '@singd/kron-curvature';
import { structureFactory } from '@singd/structured-matrix';
import {
  type ResolvedSingdPreconditionerOptions,
  resolveSingdPreconditionerOptions,
  type SingdPreconditionerOptions,
} from '../preconditioner/options.js';
import type { ScalarOrSchedule } from '../transforms/api.js';
import { checkScalarOrSchedule } from '../transforms/internal.js';

/**
 * The hyper-parameters of one layer (spec §2.5.A). Every one may differ between layers
 * (PyTorch's parameter groups), through {@link SingdOptions.overrides}.
 */
export interface SingdLayerOptions extends SingdPreconditionerOptions {
  /** Learning rate β2, default 1e-3: a finite number ≥ 0, or a schedule of the applied-update count. */
  readonly lr?: ScalarOrSchedule;
  /** Heavy-ball momentum α2 on the weight-decayed natural gradient, default 0.9; in [0, 1). */
  readonly momentum?: number;
  /** Weight decay γ, added after preconditioning (bias included), default 0; finite and ≥ 0. */
  readonly weightDecay?: number;
  /** Preconditioner update period T, default 10: captures and K, C updates on steps `t mod T = 0`. An integer ≥ 1. */
  readonly T?: number;
  /** KFAC approximation of the captures (the reference's `kfac_approx`), default 'expand'. */
  readonly approximation?: KfacApproximation;
  /** Over how many terms the loss is averaged, default 'batch'; `null` for a sum loss. */
  readonly lossAverage?: LossAverage;
}

/**
 * Options of the SINGD optimizer: defaults for every layer, per-layer overrides, and the
 * one global setting `initGradScale`.
 *
 * @example
 * ```ts
 * // diagonal factors and a larger damping for the conv layer, dense for the rest
 * const options: SingdOptions = {
 *   lr: 1e-3,
 *   overrides: { conv1: { structures: { K: { kind: 'diagonal' }, C: { kind: 'diagonal' } }, damping: 1e-2 } },
 * };
 * ```
 */
export interface SingdOptions extends SingdLayerOptions {
  /**
   * Per-layer overrides (parameter groups): layer name → options that replace the defaults
   * above for that layer. Every key must name a layer.
   */
  readonly overrides?: Readonly<Record<string, SingdLayerOptions>>;
  /**
   * The loss scale `s_{−1}` assumed before the first step (spec §5.2), default 1; pass the
   * loss scaler's initial scale. Global: one loss (scale) per optimizer. A finite number > 0.
   */
  readonly initGradScale?: number;
}

/** The hyper-parameters of one layer with every default filled in. */
export interface ResolvedSingdLayerOptions {
  readonly lr: ScalarOrSchedule;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly T: number;
  readonly approximation: KfacApproximation;
  readonly lossAverage: LossAverage;
  readonly preconditioner: ResolvedSingdPreconditionerOptions;
}

/** The defaults of the E3 and capture hyper-parameters (spec §2.5.A). */
export const SINGD_DEFAULTS = Object.freeze({
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 0,
  T: 10,
  approximation: 'expand' as KfacApproximation,
  lossAverage: 'batch' as LossAverage,
  initGradScale: 1,
});

const LAYER_OPTION_NAMES: readonly string[] = [
  'lr',
  'momentum',
  'weightDecay',
  'T',
  'approximation',
  'lossAverage',
  'damping',
  'alpha1',
  'lrCov',
  'structures',
  'dtypes',
  'kfacLike',
  'normalizeLrCov',
];
const GLOBAL_OPTION_NAMES: readonly string[] = ['overrides', 'initGradScale'];

function checkRange(name: string, value: unknown, min: number, maxExclusive?: number): number {
  const range =
    maxExclusive === undefined ? `a finite number in [${min}, ∞)` : `a number in [${min}, ${maxExclusive})`;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (maxExclusive !== undefined && value >= maxExclusive)
  ) {
    throw new RangeError(`${name} must be ${range}; got ${describeValue(value)}`);
  }
  return value;
}

function checkKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new RangeError(`unknown ${what} option '${key}'; valid options: ${allowed.join(', ')}`);
    }
  }
}

function prefixed<T>(prefix: string, resolve: () => T): T {
  if (prefix === '') return resolve();
  try {
    return resolve();
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`${prefix}${error.message}`);
    if (error instanceof TypeError) throw new TypeError(`${prefix}${error.message}`);
    throw error;
  }
}

/**
 * Validates one layer's options (defaults merged with its override) and fills in the defaults.
 * `prefix` (e.g. `overrides.fc1.`) is prepended to error messages.
 * @throws RangeError naming the option and its valid range; TypeError for non-boolean flags.
 */
export function resolveSingdLayerOptions(options: SingdLayerOptions, prefix = ''): ResolvedSingdLayerOptions {
  return prefixed(prefix, () => {
    const d = SINGD_DEFAULTS;
    const lr = checkScalarOrSchedule('lr', options.lr ?? d.lr);
    const momentum = checkRange('momentum', options.momentum ?? d.momentum, 0, 1);
    const weightDecay = checkRange('weightDecay', options.weightDecay ?? d.weightDecay, 0);
    const T = options.T ?? d.T;
    if (typeof T !== 'number' || !Number.isInteger(T) || T < 1) {
      throw new RangeError(`T must be an integer in [1, ∞); got ${describeValue(T)}`);
    }
    const approximation = checkKfacApproximation(options.approximation ?? d.approximation);
    const lossAverage = checkLossAverage(
      options.lossAverage === undefined ? d.lossAverage : options.lossAverage,
    );
    const preconditioner = resolveSingdPreconditionerOptions({
      ...(options.damping === undefined ? {} : { damping: options.damping }),
      ...(options.alpha1 === undefined ? {} : { alpha1: options.alpha1 }),
      ...(options.lrCov === undefined ? {} : { lrCov: options.lrCov }),
      ...(options.structures === undefined ? {} : { structures: options.structures }),
      ...(options.dtypes === undefined ? {} : { dtypes: options.dtypes }),
      ...(options.kfacLike === undefined ? {} : { kfacLike: options.kfacLike }),
      ...(options.normalizeLrCov === undefined ? {} : { normalizeLrCov: options.normalizeLrCov }),
    });
    for (const factor of ['K', 'C'] as const) {
      const spec = preconditioner.structures[factor];
      prefixed(`structures.${factor}: `, () => structureFactory(spec.kind).validate(spec as never));
    }
    return { lr, momentum, weightDecay, T, approximation, lossAverage, preconditioner };
  });
}

/** Every layer's resolved options, and the global ones. */
export interface ResolvedSingdOptions {
  readonly layers: ReadonlyMap<string, ResolvedSingdLayerOptions>;
  readonly initGradScale: number;
  /** Warnings produced while resolving (e.g. kfacLike forcing alpha1 = 0), naming the layer. */
  readonly warnings: readonly string[];
}

/**
 * Validates {@link SingdOptions} for the given layer names and resolves every layer's options
 * (defaults, then the layer's override). Cost O(#layers).
 * @throws RangeError naming the option (`overrides.<layer>.<option>` for overrides) and its
 *   valid range, an unknown option, or an override for an unknown layer; TypeError for a
 *   non-object.
 */
export function resolveSingdOptions(
  layerNames: readonly string[],
  options: SingdOptions = {},
): ResolvedSingdOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object; got ${describeValue(options)}`);
  }
  checkKeys(options, [...LAYER_OPTION_NAMES, ...GLOBAL_OPTION_NAMES], 'Singd');
  const initGradScale = options.initGradScale ?? SINGD_DEFAULTS.initGradScale;
  if (typeof initGradScale !== 'number' || !Number.isFinite(initGradScale) || initGradScale <= 0) {
    throw new RangeError(
      `initGradScale must be a finite number in (0, ∞); got ${describeValue(initGradScale)}`,
    );
  }
  const overrides = options.overrides ?? {};
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TypeError(`overrides must be an object layer name → options; got ${describeValue(overrides)}`);
  }
  for (const name of Object.keys(overrides)) {
    if (!layerNames.includes(name)) {
      throw new RangeError(
        `overrides names an unknown layer '${name}'; layers: ${layerNames.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
  const { overrides: _o, initGradScale: _i, ...defaults } = options;
  const base = resolveSingdLayerOptions(defaults);
  const warnings = base.preconditioner.warnings.map((w) => `defaults: ${w}`);
  const layers = new Map<string, ResolvedSingdLayerOptions>();
  for (const name of layerNames) {
    const override = Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    if (override === undefined) {
      layers.set(name, base);
      continue;
    }
    if (typeof override !== 'object' || override === null) {
      throw new TypeError(`overrides.${name} must be an options object; got ${describeValue(override)}`);
    }
    checkKeys(override, LAYER_OPTION_NAMES, `overrides.${name}`);
    const merged: SingdLayerOptions = { ...defaults, ...override };
    // kfacLike in an override forces alpha1 = 0 there even if the defaults set alpha1.
    const resolved = resolveSingdLayerOptions(merged, `overrides.${name}.`);
    for (const w of resolved.preconditioner.warnings) warnings.push(`layer '${name}': ${w}`);
    layers.set(name, resolved);
  }
  return { layers, initGradScale, warnings };
}
