/**
 * The epoch/batch loop of `Trainer.fit`, mirroring `model.fit` of TensorFlow.js.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from './random.js';
import type { Trainer } from './trainer.js';

/** Logs passed to callbacks: metric name → value. */
export type FitLogs = Record<string, number>;

/**
 * A training callback: a `tf.CustomCallbackArgs` object, or a `tf.Callback` instance such as
 * `tf.callbacks.earlyStopping(...)` (which gets `setModel`/`setParams` and may set
 * `model.stopTraining`).
 */
export interface FitCallback {
  setParams?(params: Record<string, unknown>): void;
  setModel?(model: tf.LayersModel): void;
  onTrainBegin?(logs?: FitLogs): void | Promise<void>;
  onTrainEnd?(logs?: FitLogs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: FitLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: FitLogs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: FitLogs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: FitLogs): void | Promise<void>;
}

/** Arguments of `Trainer.fit` (a subset of tfjs's `ModelFitArgs`, same names and defaults). */
export interface FitArgs {
  /** Passes over the data, default 1; an integer ≥ 1. */
  readonly epochs?: number;
  /** Samples per step, default 32; an integer ≥ 1 (the last batch may be smaller). */
  readonly batchSize?: number;
  /** `[x, y]` evaluated after each epoch (inference mode): logs `val_loss` (and `val_acc`). */
  readonly validationData?: readonly [tf.Tensor | tf.Tensor[], tf.Tensor];
  /** Shuffle the samples each epoch (seeded by the trainer's `seed`), default true. */
  readonly shuffle?: boolean;
  /** Epoch to start counting from (for resumed runs), default 0. */
  readonly initialEpoch?: number;
  readonly callbacks?: FitCallback | readonly FitCallback[];
}

/** The trainers whose `fit` is running (a second concurrent `fit` is refused). */
const running = new WeakSet<Trainer>();

function checkInteger(value: unknown, name: string, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new RangeError(`fit: ${name} must be an integer ≥ ${min}; got ${String(value)}`);
  }
  return value as number;
}

/**
 * Runs `Trainer.fit`: `epochs − initialEpoch` epochs of `trainer.trainBatch` over shuffled
 * batches, with callbacks and a `tf.History` of the per-epoch logs (`loss` is the
 * sample-weighted mean of the batches' losses before each step; `val_loss`, and `val_acc` for the
 * cross-entropies, with `validationData`). Stops early when a callback
 * sets `model.stopTraining`. Leaves no tensors behind.
 */
export async function fitLoop(
  trainer: Trainer,
  x: tf.Tensor | tf.Tensor[],
  y: tf.Tensor,
  args: FitArgs,
  random: SeededRandom,
): Promise<tf.History> {
  if (typeof args !== 'object' || args === null) throw new TypeError('fit: args must be an object');
  const epochs = checkInteger(args.epochs ?? 1, 'epochs', 1);
  const batchSize = checkInteger(args.batchSize ?? 32, 'batchSize', 1);
  const initialEpoch = checkInteger(args.initialEpoch ?? 0, 'initialEpoch', 0);
  const shuffle = args.shuffle ?? true;
  const xs = Array.isArray(x) ? x : [x];
  if (xs.length === 0 || !xs.every((t) => t instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    throw new TypeError('fit: x must be a tf.Tensor (or an array of them) and y a tf.Tensor');
  }
  const n = xs[0]!.shape[0];
  if (n === undefined || n < 1 || xs.some((t) => t.shape[0] !== n) || y.shape[0] !== n) {
    throw new RangeError(
      `fit: x and y must have the same number of samples ≥ 1; got x ${xs.map((t) => `[${t.shape.join(', ')}]`).join(', ')} and y [${y.shape.join(', ')}]`,
    );
  }
  if (
    args.validationData !== undefined &&
    (!Array.isArray(args.validationData) || args.validationData.length !== 2)
  ) {
    throw new TypeError('fit: validationData must be [x, y]');
  }
  if (running.has(trainer)) throw new Error('fit: another fit() of this trainer is running');
  const callbacks: FitCallback[] =
    args.callbacks === undefined
      ? []
      : Array.isArray(args.callbacks)
        ? [...args.callbacks]
        : [args.callbacks as FitCallback];
  const history = new tf.History();
  const all: FitCallback[] = [history as unknown as FitCallback, ...callbacks];
  const model = trainer.model;
  const steps = Math.ceil(n / batchSize);
  const doValidation = args.validationData !== undefined;
  const validationMetrics = trainer.loss === 'meanSquaredError' ? ['val_loss'] : ['val_loss', 'val_acc'];
  const params = {
    epochs,
    initialEpoch,
    samples: n,
    steps: null,
    batchSize,
    verbose: 0,
    doValidation,
    metrics: doValidation ? ['loss', ...validationMetrics] : ['loss'],
  };
  for (const c of all) {
    c.setParams?.(params);
    c.setModel?.(model);
  }
  running.add(trainer);
  model.stopTraining = false;
  try {
    for (const c of all) await c.onTrainBegin?.({});
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      for (const c of all) await c.onEpochBegin?.(epoch, {});
      const order = shuffle ? random.permutation(n) : null;
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < steps && !model.stopTraining; b++) {
        const start = b * batchSize;
        const size = Math.min(batchSize, n - start);
        for (const c of callbacks) await c.onBatchBegin?.(b, { batch: b, size });
        const loss = tf.tidy(() => {
          const pick = (t: tf.Tensor): tf.Tensor =>
            order === null
              ? t.slice(start, size)
              : tf.gather(t, tf.tensor1d(order.subarray(start, start + size), 'int32'));
          const xb = xs.map(pick);
          return trainer.trainBatch(Array.isArray(x) ? xb : xb[0]!, pick(y));
        });
        lossSum += loss * size;
        seen += size;
        for (const c of callbacks) await c.onBatchEnd?.(b, { batch: b, size, loss });
      }
      const logs: FitLogs = { loss: lossSum / seen };
      if (args.validationData !== undefined) {
        const [xv, yv] = args.validationData;
        const v = trainer.evaluate(xv, yv, batchSize);
        logs['val_loss'] = v.loss;
        if (v.accuracy !== null) logs['val_acc'] = v.accuracy;
      }
      for (const c of all) await c.onEpochEnd?.(epoch, logs);
    }
    for (const c of all) await c.onTrainEnd?.({});
  } finally {
    running.delete(trainer);
  }
  await history.syncData();
  return history;
}
