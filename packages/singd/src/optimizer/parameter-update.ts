/**
 * The E3 parameter update of one SINGD layer (spec §2.5.E3), fused into one pass.
 *
 * @module
 */
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import type { Parameters, Updates } from '../transforms/api.js';
import { type ChainState, chain } from '../transforms/chain.js';
import { checkMatchingParameters } from '../transforms/internal.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { trace } from '../transforms/trace.js';
import type { ResolvedSingdLayerOptions } from './options.js';

function unfusedParameterUpdate(o: ResolvedSingdLayerOptions) {
  return chain(addDecayedWeights(o.weightDecay), trace(o.momentum), scaleByLearningRate(o.lr));
}

/** The E3 parameter update of one layer: `chain(addDecayedWeights(γ), trace(α2), scaleByLearningRate(β2))`. */
export type SingdParameterUpdate = ReturnType<typeof unfusedParameterUpdate>;

/** The state of {@link SingdParameterUpdate}: `[{}, { momentumBuffer }, { count }]`. */
export type SingdParameterUpdateState = ChainState<
  readonly [
    ReturnType<typeof addDecayedWeights>,
    ReturnType<typeof trace>,
    ReturnType<typeof scaleByLearningRate>,
  ]
>;

function allFloat64(...records: Parameters[]): boolean {
  for (const record of records) {
    for (const name of Object.keys(record)) if (!(record[name] instanceof Float64Array)) return false;
  }
  return true;
}

/**
 * `chain(addDecayedWeights(γ), trace(α2), scaleByLearningRate(β2))` with the layer's
 * hyper-parameters: the same transformation, state and errors, but for float64 arrays
 * computed in one pass per parameter (`b ← α2·b + (u + γ·p)`, `u ← −β2·b`, the same float64
 * operations in the same order, so bit-identical) instead of three passes and four new arrays.
 * Float32 arrays go through the chain itself. Cost O(parameters), one new buffer and one new
 * update array per parameter.
 */
export function singdParameterUpdate(o: ResolvedSingdLayerOptions): SingdParameterUpdate {
  const unfused = unfusedParameterUpdate(o);
  const gamma = o.weightDecay;
  const alpha = o.momentum;
  const lr = o.lr;
  return {
    init: (params: Parameters) => unfused.init(params),
    update(updates: Parameters, state: SingdParameterUpdateState, params: Parameters) {
      const states = state as unknown as readonly unknown[];
      if (!Array.isArray(states) || states.length !== 3) return unfused.update(updates, state, params);
      checkMatchingParameters('updates', updates, params);
      const [decayState, traceState, lrState] = state;
      const buffers = traceState.momentumBuffer;
      if (alpha !== 0) checkMatchingParameters('momentumBuffer', buffers, params);
      if (!allFloat64(updates, params) || (alpha !== 0 && !allFloat64(buffers))) {
        return unfused.update(updates, state, params);
      }
      const factor = -(typeof lr === 'number' ? lr : lr(lrState.count));
      const out: Updates = {};
      const nextBuffers: Record<string, Float64Array> = {};
      for (const name of Object.keys(params)) {
        const u = updates[name]!;
        const p = params[name]!;
        const n = p.length;
        const o = new Float64Array(n);
        if (alpha === 0) {
          for (let i = 0; i < n; i++) o[i] = factor * (u[i]! + gamma * p[i]!);
        } else {
          const previous = buffers[name]!;
          const buffer = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const b = alpha * previous[i]! + (u[i]! + gamma * p[i]!);
            buffer[i] = b;
            o[i] = factor * b;
          }
          nextBuffers[name] = buffer;
        }
        out[name] = o;
      }
      const nextTrace = alpha === 0 ? traceState : { momentumBuffer: nextBuffers };
      return {
        updates: out,
        state: [decayState, nextTrace, { count: lrState.count + 1 }] as unknown as SingdParameterUpdateState,
      };
    },
  };
}
