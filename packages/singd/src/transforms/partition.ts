import type { GradientTransformation, Parameters, StateOf, Updates } from './api.js';

/** The state of `partition(transforms, labels)`: each label's transform state. */
export type PartitionState<T extends Readonly<Record<string, GradientTransformation<unknown>>>> = {
  readonly [L in keyof T]: StateOf<T[L]>;
};

/**
 * Applies a different transform to each group of parameters (optax's `multi_transform`;
 * PyTorch's parameter groups): `labels[name]` says which transform of `transforms` updates
 * parameter `name`. Each transform sees only its own parameters, so a partition equals
 * running the transforms as separate optimizers. A label without parameters keeps an
 * (empty) state.
 *
 * Cost: the sum of the parts' costs plus O(#parameter names).
 *
 * @example
 * ```ts
 * const opt = partition(
 *   { conv: sgd({ lr: 0.1 }), head: adamw({ lr: 1e-3 }) },
 *   { 'conv.weight': 'conv', 'head.weight': 'head' },
 * );
 * ```
 * @throws RangeError when a label names no transform; `update` throws a RangeError for a
 *   parameter without a label.
 */
export function partition<const T extends Readonly<Record<string, GradientTransformation<unknown>>>>(
  transforms: T,
  labels: Readonly<Record<string, keyof T & string>>,
): GradientTransformation<PartitionState<T>> {
  const names = Object.keys(transforms);
  for (const [parameter, label] of Object.entries(labels)) {
    if (!Object.hasOwn(transforms, label)) {
      throw new RangeError(
        `labels["${parameter}"] is '${String(label)}', which names no transform; transforms: ${names.join(', ')}`,
      );
    }
  }
  const split = (values: Parameters, what: string): Record<string, Record<string, Parameters[string]>> => {
    const groups: Record<string, Record<string, Parameters[string]>> = {};
    for (const label of names) groups[label] = {};
    for (const name of Object.keys(values)) {
      const label = Object.hasOwn(labels, name) ? labels[name] : undefined;
      if (label === undefined) {
        throw new RangeError(
          `${what}["${name}"] has no label; labelled parameters: ${Object.keys(labels).join(', ')}`,
        );
      }
      groups[label]![name] = values[name]!;
    }
    return groups;
  };
  return {
    init(params: Parameters): PartitionState<T> {
      const groups = split(params, 'params');
      const state: Record<string, unknown> = {};
      for (const label of names) state[label] = transforms[label]!.init(groups[label]!);
      return state as PartitionState<T>;
    },
    update(updates: Parameters, state: PartitionState<T>, params: Parameters) {
      const u = split(updates, 'updates');
      const p = split(params, 'params');
      const out: Updates = {};
      const next: Record<string, unknown> = {};
      for (const label of names) {
        const result = transforms[label]!.update(
          u[label]!,
          (state as Record<string, unknown>)[label],
          p[label]!,
        );
        Object.assign(out, result.updates);
        next[label] = result.state;
      }
      return { updates: out, state: next as PartitionState<T> };
    },
  };
}
