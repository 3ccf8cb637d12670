/**
 * The whole SINGD optimizer as pure functions over plain-data state: the preconditioner
 * transform chained with per-layer E3 transforms, plus the overflow / NaN skipping of spec
 * §2.5.D and §5.2.
 *
 * @module
 */
import { describeValue } from '@singd/half';
import { formatShape, multiIndex, type Tensor } from '@singd/kron-curvature';
import type { GradientTransformation, Parameters, Updates } from '../transforms/api.js';
import { chain } from '../transforms/chain.js';
import { type ResolvedLayer, resolveLayer, type SingdLayer } from './layers.js';
import { type ResolvedSingdOptions, resolveSingdOptions, type SingdOptions } from './options.js';
import {
  type SingdParameterUpdate,
  type SingdParameterUpdateState,
  singdParameterUpdate,
} from './parameter-update.js';
import { type ScaleBySingd, type ScaleBySingdState, scaleBySingd } from './scale-by-singd.js';

export type { SingdParameterUpdate, SingdParameterUpdateState };

/** The whole optimizer state: the preconditioner's, then each layer's E3 state by layer name. */
export type SingdState = readonly [ScaleBySingdState, Readonly<Record<string, SingdParameterUpdateState>>];

/** The outcome of {@link SingdOptimizer.step}. */
export type SingdStepOutcome =
  | { readonly skipped: false; readonly updates: Updates; readonly state: SingdState }
  | { readonly skipped: true; readonly reason: string; readonly state: SingdState };

/** Options of a step (`Singd.step`, {@link SingdOptimizer.step}). */
export interface SingdStepOptions {
  /**
   * The loss scale `s_t` of this step (spec §5.2): the gradients and this step's captures are
   * of the loss multiplied by `s_t`. Default 1. A finite number > 0.
   */
  readonly gradScale?: number;
}

/** The SINGD optimizer as pure functions (see {@link singd}). */
export interface SingdOptimizer {
  readonly layers: readonly ResolvedLayer[];
  readonly options: ResolvedSingdOptions;
  /** The preconditioner transform (spec §2.5.E1–E2). */
  readonly preconditioner: ScaleBySingd;
  /** `chain(preconditioner, per-layer E3)`: the optimizer as one gradient transformation (no skipping). */
  readonly transform: GradientTransformation<SingdState>;
  /** The initial state for the flattened parameters `W̃` (layer name → `d_C × d_K` row-major). */
  init(params: Parameters): SingdState;
  /** Whether the next step updates `layerName`'s preconditioner (any layer's without a name). */
  isUpdateStep(state: SingdState, layerName?: string): boolean;
  /** Adds a capture (see {@link ScaleBySingd.capture}). */
  capture(state: SingdState, layerName: string, input: Tensor, outputGrad: Tensor): SingdState;
  /**
   * One step: either `{ skipped: false, updates }` (apply with `applyUpdates`) or, when a
   * gradient or a capture holds NaN/±∞ or the preconditioner update overflows,
   * `{ skipped: true, reason }` with a state that only counts the step, records the loss scale
   * and drops the pending captures (spec §2.5.D.2).
   * @throws RangeError for a bad gradScale or mismatched gradients/params (naming the layer and
   *   both shapes); Error for an update step without a capture. The input state is never changed.
   */
  step(
    state: SingdState,
    grads: Parameters,
    params: Parameters,
    options?: SingdStepOptions,
  ): SingdStepOutcome;
}

function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * The SINGD optimizer (spec §2.5) for the given layers, as pure functions: per layer,
 * `chain(scaleBySingd, addDecayedWeights(γ), trace(α2), scaleByLearningRate(β2))` with that
 * layer's hyper-parameters (overrides act like PyTorch parameter groups), and the skipping
 * of steps with NaN/±∞ gradients or captures (loss-scale overflows).
 *
 * Parameters are each layer's flattened `W̃ = [W | b]` (`d_C × d_K` row-major; see
 * `flattenLayerParams`). The `Singd` class is a thin stateful wrapper around this.
 *
 * @throws RangeError/TypeError for invalid layers or options (naming the option and its range).
 */
export function singd(layerList: readonly SingdLayer[], options: SingdOptions = {}): SingdOptimizer {
  if (!Array.isArray(layerList) || layerList.length === 0) {
    throw new RangeError('layers must be a non-empty array of Linear or Conv2d layers');
  }
  const layers = layerList.map(resolveLayer);
  const names = new Set<string>();
  for (const layer of layers) {
    if (names.has(layer.name)) throw new RangeError(`duplicate layer name '${layer.name}'`);
    names.add(layer.name);
  }
  const resolved = resolveSingdOptions(
    layers.map((l) => l.name),
    options,
  );
  const preconditioner = scaleBySingd(layers, resolved.layers, resolved.initGradScale);
  const updates: Record<string, SingdParameterUpdate> = {};
  for (const layer of layers) updates[layer.name] = singdParameterUpdate(resolved.layers.get(layer.name)!);

  const e3: GradientTransformation<Readonly<Record<string, SingdParameterUpdateState>>> = {
    init(params: Parameters) {
      const state: Record<string, SingdParameterUpdateState> = {};
      for (const layer of layers) {
        state[layer.name] = updates[layer.name]!.init({ [layer.name]: params[layer.name]! });
      }
      return state;
    },
    update(u: Parameters, state, params: Parameters) {
      const out: Updates = {};
      const next: Record<string, SingdParameterUpdateState> = {};
      for (const layer of layers) {
        const { name } = layer;
        const r = updates[name]!.update({ [name]: u[name]! }, state[name]!, { [name]: params[name]! });
        out[name] = r.updates[name]!;
        next[name] = r.state;
      }
      return { updates: out, state: next };
    },
  };
  const transform = chain(preconditioner, e3) as unknown as GradientTransformation<SingdState>;

  const checkArrays = (values: Parameters, what: string): void => {
    if (typeof values !== 'object' || values === null) {
      throw new TypeError(`${what} must be a record layer name → Float64Array; got ${describeValue(values)}`);
    }
    for (const layer of layers) {
      const array = Object.hasOwn(values, layer.name) ? values[layer.name] : undefined;
      if (array === undefined || array.length !== layer.dC * layer.dK) {
        throw new RangeError(
          `layer '${layer.name}': ${what} has ${array === undefined ? 'no entry' : `shape [${array.length}]`}; expected [${layer.dC}, ${layer.dK}] (d_C × d_K, bias last column)`,
        );
      }
    }
    for (const name of Object.keys(values)) {
      if (!names.has(name)) throw new RangeError(`${what} has an entry for unknown layer '${name}'`);
    }
  };

  const skip = (state: SingdState, reason: string): SingdStepOutcome => ({
    skipped: true,
    reason,
    state: [preconditioner.skipStep(state[0]), state[1]],
  });

  return {
    layers,
    options: resolved,
    preconditioner,
    transform,
    init(params: Parameters): SingdState {
      checkArrays(params, 'params');
      return transform.init(params);
    },
    isUpdateStep(state: SingdState, layerName?: string): boolean {
      return preconditioner.isUpdateStep(state[0], layerName);
    },
    capture(state: SingdState, layerName: string, input: Tensor, outputGrad: Tensor): SingdState {
      return [preconditioner.capture(state[0], layerName, input, outputGrad), state[1]];
    },
    step(state: SingdState, grads: Parameters, params: Parameters, stepOptions: SingdStepOptions = {}) {
      checkArrays(params, 'params');
      checkArrays(grads, 'gradients');
      const scaled: SingdState = [
        preconditioner.withGradScale(state[0], stepOptions.gradScale ?? 1),
        state[1],
      ];
      const t = state[0].step;
      if (scaled[0].invalidCapture !== null) return skip(scaled, scaled[0].invalidCapture);
      for (const layer of layers) {
        const g = grads[layer.name]!;
        const bad = firstNonFinite(g);
        if (bad >= 0) {
          const at = formatShape(multiIndex([layer.dC, layer.dK], bad));
          return skip(
            scaled,
            `non-finite gradient in layer '${layer.name}' at step ${t}: ${g[bad]} at ${at} of [${layer.dC}, ${layer.dK}] (W̃ = [W | b])`,
          );
        }
      }
      const result = transform.update(grads, scaled, params);
      for (const layer of layers) {
        const pre = result.state[0].layers[layer.name]!;
        for (const factor of ['K', 'C'] as const) {
          const m = pre[factor];
          if (!Number.isFinite(m.maxAbsEntry())) {
            return skip(
              scaled,
              `the preconditioner update of layer '${layer.name}' made ${factor} non-finite in ${m.dtype} at step ${t}`,
            );
          }
        }
        if (firstNonFinite(result.updates[layer.name]!) >= 0) {
          return skip(scaled, `the update of layer '${layer.name}' is non-finite at step ${t}`);
        }
      }
      return { skipped: false, updates: result.updates, state: result.state };
    },
  };
}
