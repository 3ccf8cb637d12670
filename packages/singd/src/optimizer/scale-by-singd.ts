/**
 * The SINGD preconditioner as a pure gradient transformation (spec §2.5.C–E2).
 *
 * @module
 */
import { describeValue } from '@singd/half';
import type { Tensor } from '@singd/kron-curvature';
import { accumulateCapture } from '../preconditioner/capture.js';
import { initLayerState, type SingdLayerState } from '../preconditioner/layer-state.js';
import { naturalGradient } from '../preconditioner/natural-gradient.js';
import { updatePreconditioner } from '../preconditioner/update.js';
import type { GradientTransformation, Parameters, Updates } from '../transforms/api.js';
import { nonFiniteEntry, processCapture, type ResolvedLayer } from './layers.js';
import type { ResolvedSingdLayerOptions } from './options.js';

/**
 * The state of {@link scaleBySingd}: plain data (numbers, strings, records) around immutable
 * structured matrices; `singdStateToTree` turns it into a checkpointable tree.
 */
export interface ScaleBySingdState {
  /** The 0-based step `t` of the next update (skipped steps count). */
  readonly step: number;
  /** The loss scale `s_{t−1}` of the previous step (`initGradScale` before the first). */
  readonly previousGradScale: number;
  /** The loss scale `s_t` of the next update (set by `withGradScale`; 1 unless set). */
  readonly gradScale: number;
  /** K, C, m_K, m_C and the pending H_K, H_C of every layer (spec §2.5.B). */
  readonly layers: Readonly<Record<string, SingdLayerState>>;
  /**
   * Why this step's captures cannot be used (a NaN/±∞ in a capture, or a capture that
   * overflows the factor dtype), or `null`. Such a step must be skipped.
   */
  readonly invalidCapture: string | null;
}

/**
 * {@link scaleBySingd}: a gradient transformation plus the pure functions that feed it
 * captures and loss scales. Every function returns a new state and leaves its inputs unchanged.
 */
export interface ScaleBySingd extends GradientTransformation<ScaleBySingdState> {
  /** The preconditioned layers, in order. */
  readonly layers: readonly ResolvedLayer[];
  /** Whether step `state.step` updates `layerName`'s preconditioner (`t mod T = 0`); without a name, whether it updates any layer's. */
  isUpdateStep(state: ScaleBySingdState, layerName?: string): boolean;
  /**
   * Adds one capture (layer input and output gradient, spec §2.5.C) to the layer's pending
   * H_K, H_C: `H_K += Π_K(Kᵀ ÃᵀÃ K)`, `H_C += Π_C(Cᵀ G̃ᵀG̃ C)/s_{t−1}`. Several calls per
   * step (micro-batches) sum. A capture with NaN/±∞ (or overflowing the factor dtype) is not
   * added; it marks the state `invalidCapture`, and the step must be skipped.
   * Cost: `O(rows·stored entries)` for the projections plus the processing.
   * @throws Error for an unknown layer or a layer whose preconditioner is not updated at this
   *   step; RangeError naming the layer and both shapes for mismatched tensors.
   */
  capture(state: ScaleBySingdState, layerName: string, input: Tensor, outputGrad: Tensor): ScaleBySingdState;
  /** Sets the loss scale `s_t` of the next update (spec §5.2). @throws RangeError unless finite and > 0. */
  withGradScale(state: ScaleBySingdState, gradScale: number): ScaleBySingdState;
  /**
   * Skips step `t` (an overflow, spec §2.5.D.2): drops the pending H's, keeps K, C and the
   * momenta, records `s_t` as the previous scale and advances the step counter.
   */
  skipStep(state: ScaleBySingdState): ScaleBySingdState;
}

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

/**
 * The SINGD preconditioner (spec §2.5.E1–E2) as a pure {@link GradientTransformation} over the
 * flattened `W̃ = [W | b]` of each layer (parameter name = layer name, `d_C × d_K` row-major):
 *
 * - on a layer's update steps (`t mod T = 0`) it pops the pending `H_K`, `H_C` and updates
 *   `m_K, m_C, K, C` (with `u = s_{t−1}/s_t²` on the H_C-dependent coefficients);
 * - every step it returns the natural gradient `C Cᵀ (Γ/s_t) K Kᵀ` with the updated factors.
 *
 * Compose it with the E3 transforms: `chain(scaleBySingd(…), addDecayedWeights(γ),
 * trace(α2), scaleByLearningRate(β2))` is SINGD with weight decay after preconditioning.
 * NaN/Inf are not checked here (see `singd`'s `step`).
 *
 * Cost per step and layer: `O(d_C·d_K·(d_K + d_C))` for the dense products of the natural
 * gradient (less for structures); on update steps in addition the structured products of K, C.
 *
 * @param layers - the resolved layers, in order.
 * @param options - each layer's resolved options (T and the preconditioner's).
 * @param initGradScale - the loss scale `s_{−1}` assumed before the first step.
 */
export function scaleBySingd(
  layers: readonly ResolvedLayer[],
  options: ReadonlyMap<string, ResolvedSingdLayerOptions>,
  initGradScale = 1,
): ScaleBySingd {
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const optionsOf = (name: string): ResolvedSingdLayerOptions => {
    const o = options.get(name);
    if (o === undefined) throw new RangeError(`no options for layer '${name}'`);
    return o;
  };
  for (const layer of layers) optionsOf(layer.name);
  const layerOf = (name: string): ResolvedLayer => {
    const layer = byName.get(name);
    if (layer === undefined) {
      throw new Error(
        `unknown layer ${describeValue(name)}; layers: ${layers.map((l) => `'${l.name}'`).join(', ')}`,
      );
    }
    return layer;
  };
  const due = (step: number, name: string): boolean => step % optionsOf(name).T === 0;
  const checkParams = (what: string, values: Parameters): void => {
    for (const layer of layers) {
      const array = Object.hasOwn(values, layer.name) ? values[layer.name] : undefined;
      if (array === undefined || array.length !== layer.dC * layer.dK) {
        throw new RangeError(
          `layer '${layer.name}': ${what} has ${array === undefined ? 'no entry' : `${array.length} entries`}; expected [${layer.dC}, ${layer.dK}] (d_C × d_K = ${layer.dC * layer.dK} entries, bias last column)`,
        );
      }
    }
    for (const name of Object.keys(values)) layerOf(name);
  };

  return {
    layers,
    init(params: Parameters): ScaleBySingdState {
      checkParams('params', params);
      const states: Record<string, SingdLayerState> = {};
      for (const layer of layers) {
        states[layer.name] = initLayerState(layer.dK, layer.dC, optionsOf(layer.name).preconditioner);
      }
      return {
        step: 0,
        previousGradScale: initGradScale,
        gradScale: 1,
        layers: states,
        invalidCapture: null,
      };
    },

    update(updates: Parameters, state: ScaleBySingdState, params: Parameters) {
      checkParams('gradients', updates);
      checkParams('params', params);
      if (state.invalidCapture !== null) {
        throw new Error(`step ${state.step} cannot be taken: ${state.invalidCapture}; skip it (skipStep)`);
      }
      const { step, gradScale, previousGradScale } = state;
      for (const layer of layers) {
        const pre = state.layers[layer.name]!;
        if (due(step, layer.name)) {
          check(
            pre.pendingHK !== undefined && pre.pendingHC !== undefined,
            () =>
              `layer '${layer.name}': step ${step} updates the preconditioner (T = ${optionsOf(layer.name).T}) but capture() was not called for it`,
          );
        }
      }
      const out: Updates = {};
      const next: Record<string, SingdLayerState> = {};
      for (const layer of layers) {
        let pre = state.layers[layer.name]!;
        const o = optionsOf(layer.name);
        if (due(step, layer.name)) {
          pre = updatePreconditioner(pre, o.preconditioner, { step, gradScale, previousGradScale });
        }
        const gradient = updates[layer.name]!;
        const g = gradient instanceof Float64Array ? gradient : Float64Array.from(gradient);
        out[layer.name] = naturalGradient(pre, g, layer.dC, layer.dK, { gradScale });
        next[layer.name] = pre;
      }
      return {
        updates: out,
        state: {
          step: step + 1,
          previousGradScale: gradScale,
          gradScale: 1,
          layers: next,
          invalidCapture: null,
        },
      };
    },

    isUpdateStep(state: ScaleBySingdState, layerName?: string): boolean {
      if (layerName !== undefined) return due(state.step, layerOf(layerName).name);
      return layers.some((layer) => due(state.step, layer.name));
    },

    capture(state: ScaleBySingdState, layerName: string, input: Tensor, outputGrad: Tensor) {
      const layer = layerOf(layerName);
      const o = optionsOf(layerName);
      check(
        due(state.step, layerName),
        () =>
          `capture('${layerName}'): step ${state.step} is not an update step of this layer (T = ${o.T}); capture only when isUpdateStep('${layerName}')`,
      );
      const { dtypes } = o.preconditioner;
      const label = `layer '${layerName}'`;
      const bad =
        nonFiniteEntry(input, dtypes.K, `${label}: input`) ??
        nonFiniteEntry(outputGrad, dtypes.C, `${label}: output gradient`);
      const processed =
        bad === null
          ? processCapture(layer, input, outputGrad, {
              approximation: o.approximation,
              lossAverage: o.lossAverage,
              dtypeK: dtypes.K,
              dtypeC: dtypes.C,
            })
          : null;
      if (processed === null) {
        return { ...state, invalidCapture: state.invalidCapture ?? `${bad} at step ${state.step}` };
      }
      const pre = accumulateCapture(state.layers[layerName]!, processed.inputs, processed.outputGradients, {
        previousGradScale: state.previousGradScale,
      });
      const overflow = (['pendingHK', 'pendingHC'] as const).find(
        (key) => !Number.isFinite(pre[key]!.maxAbsEntry()),
      );
      if (overflow !== undefined) {
        const factor = overflow === 'pendingHK' ? 'H_K' : 'H_C';
        const dtype = overflow === 'pendingHK' ? dtypes.K : dtypes.C;
        return {
          ...state,
          invalidCapture:
            state.invalidCapture ??
            `${label}: the capture makes ${factor} non-finite in ${dtype} at step ${state.step}`,
        };
      }
      return { ...state, layers: { ...state.layers, [layerName]: pre } };
    },

    withGradScale(state: ScaleBySingdState, gradScale: number): ScaleBySingdState {
      if (typeof gradScale !== 'number' || !Number.isFinite(gradScale) || gradScale <= 0) {
        throw new RangeError(`gradScale must be a finite number in (0, ∞); got ${describeValue(gradScale)}`);
      }
      return { ...state, gradScale };
    },

    skipStep(state: ScaleBySingdState): ScaleBySingdState {
      const next: Record<string, SingdLayerState> = {};
      for (const layer of layers) {
        const { pendingHK: _k, pendingHC: _c, ...rest } = state.layers[layer.name]!;
        next[layer.name] = rest;
      }
      return {
        step: state.step + 1,
        previousGradScale: state.gradScale,
        gradScale: 1,
        layers: next,
        invalidCapture: null,
      };
    },
  };
}
