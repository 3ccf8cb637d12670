/**
 * AdamW and SGD (the transforms of @singd/singd) over named flat weight vectors.
 *
 * @module
 */
import {
  type AdamWOptions,
  adamw,
  assertCompatible,
  type GradientTransformation,
  type SgdOptions,
  type StateTree,
  sgd,
} from '@singd/singd';
import type { FlatOptimizer } from './api.js';

/** Default learning rates when the spec omits `lr`. */
export const DEFAULT_FLAT_LR = Object.freeze({ adamw: 1e-3, sgd: 1e-2 });

function bytesUnder(tree: unknown, key: string): number {
  if (tree === null || typeof tree !== 'object') return 0;
  if (ArrayBuffer.isView(tree)) return 0;
  let total = 0;
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    if (k === key && ArrayBuffer.isView(v)) total += (v as Float64Array).byteLength;
    else total += bytesUnder(v, key);
  }
  return total;
}

/**
 * A {@link FlatOptimizer} for the weights named `sizes` (name → entry count).
 * Cost per step: that of the transform, O(#entries).
 * @throws RangeError for invalid options (from the transforms).
 */
export function flatOptimizer(
  spec:
    | { readonly kind: 'adamw'; readonly options?: Partial<AdamWOptions> }
    | { readonly kind: 'sgd'; readonly options?: Partial<SgdOptions> },
  sizes: ReadonlyMap<string, number>,
): FlatOptimizer {
  const transform: GradientTransformation<unknown> =
    spec.kind === 'adamw'
      ? (adamw({
          ...spec.options,
          lr: spec.options?.lr ?? DEFAULT_FLAT_LR.adamw,
        }) as GradientTransformation<unknown>)
      : (sgd({
          ...spec.options,
          lr: spec.options?.lr ?? DEFAULT_FLAT_LR.sgd,
        }) as GradientTransformation<unknown>);
  const zeros: Record<string, Float64Array> = {};
  for (const [name, size] of sizes) zeros[name] = new Float64Array(size);
  let state = transform.init(zeros);
  return {
    kind: spec.kind,
    step(params, grads) {
      const { updates, state: next } = transform.update(grads, state, params);
      const out: Record<string, Float64Array> = {};
      for (const name of Object.keys(params)) {
        const p = params[name]!;
        const u = updates[name]!;
        const v = new Float64Array(p.length);
        for (let i = 0; i < p.length; i++) v[i] = p[i]! + u[i]!;
        out[name] = v;
      }
      state = next;
      return out;
    },
    stateBytes(weight) {
      return bytesUnder(state, weight);
    },
    save() {
      return state as StateTree;
    },
    prepareLoad(tree) {
      assertCompatible(state as StateTree, tree);
      return () => {
        state = tree;
      };
    },
  };
}
