/**
 * Validation of {@link TrainerOptions}.
 *
 * @module
 */
import type { FisherKind, LossName, OptimizerSpec, TrainerOptions } from './api.js';
import { checkLossName } from './loss.js';

/** {@link TrainerOptions} with defaults filled in. */
export interface ResolvedTrainerOptions {
  readonly optimizer: OptimizerSpec;
  readonly fallback: OptimizerSpec & { readonly kind: 'adamw' | 'sgd' };
  readonly loss: LossName;
  readonly fisher: FisherKind;
  readonly seed: number;
  readonly nonFinite: 'throw' | 'skip';
}

const KINDS = ['singd', 'kfac', 'adamw', 'sgd'];

function checkSpec(value: unknown, name: string): OptimizerSpec {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof value !== 'object' || value === null || !KINDS.includes(kind as string)) {
    throw new RangeError(
      `${name}.kind must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}; got ${JSON.stringify(kind)}`,
    );
  }
  const options = (value as { options?: unknown }).options;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${name}.options must be an object; got ${JSON.stringify(options)}`);
  }
  return value as OptimizerSpec;
}

/**
 * Checks `options` and fills in the defaults (fallback AdamW, empirical Fisher, seed 0, throw on NaN/±∞).
 * @throws RangeError naming the option and its valid values; TypeError for a non-object.
 */
export function resolveTrainerOptions(options: TrainerOptions): ResolvedTrainerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `Trainer options must be an object { optimizer, loss, ... }; got ${JSON.stringify(options)}`,
    );
  }
  const optimizer = checkSpec(options.optimizer, 'optimizer');
  const fallback = checkSpec(options.fallback ?? { kind: 'adamw' }, 'fallback');
  if (fallback.kind !== 'adamw' && fallback.kind !== 'sgd') {
    throw new RangeError(
      `fallback.kind must be 'adamw' or 'sgd' (it trains layers without curvature); got '${fallback.kind}'`,
    );
  }
  const loss = checkLossName(options.loss);
  const fisher = options.fisher ?? 'empirical';
  if (fisher !== 'empirical' && fisher !== 'monte-carlo') {
    throw new RangeError(`fisher must be 'empirical' or 'monte-carlo'; got ${JSON.stringify(fisher)}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer; got ${String(seed)}`);
  const nonFinite = options.nonFinite ?? 'throw';
  if (nonFinite !== 'throw' && nonFinite !== 'skip') {
    throw new RangeError(`nonFinite must be 'throw' or 'skip'; got ${JSON.stringify(nonFinite)}`);
  }
  return {
    optimizer,
    fallback: fallback as ResolvedTrainerOptions['fallback'],
    loss,
    fisher,
    seed,
    nonFinite,
  };
}
