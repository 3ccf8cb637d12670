/**
 * The `Trainer`: trains a `tf.LayersModel` with SINGD (or KFAC, AdamW, SGD), capturing the
 * curvature of its Dense and Conv2D layers without any change to the model, and training every
 * other trainable weight with a fallback optimizer.
 *
 * @module
 */

import { CheckpointError, deserializeCheckpoint, type StateTree, serializeCheckpoint } from '@singd/singd';
import * as tf from '@tensorflow/tfjs';
import type {
  FisherKind,
  LayerAssignment,
  LayerMemory,
  LossName,
  OptimizerKind,
  SkippedStep,
  TrainerMemoryReport,
  TrainerOptions,
} from './api.js';
import { backendDifferentiatesConv2dFilter } from './conv2d-rewrite.js';
import { NonFiniteError } from './errors.js';
import { sampleTargets } from './fisher.js';
import { type FitArgs, fitLoop } from './fit.js';
import { gradientPass, nonFiniteProblem } from './gradient-pass.js';
import { checkTargets, correctCount, lossValue } from './loss.js';
import {
  type FallbackLayer,
  type ModelLayers,
  modelLayers,
  type PreconditionedLayer,
  type TfWeight,
} from './model-layers.js';
import type { FlatOptimizer, LayerPreconditioner, LayerValues } from './optimizers/api.js';
import { flatOptimizer } from './optimizers/flat.js';
import { kfacPreconditioner } from './optimizers/kfac.js';
import { singdPreconditioner } from './optimizers/singd.js';
import { type ResolvedTrainerOptions, resolveTrainerOptions } from './options.js';
import { SeededRandom } from './random.js';
import { checkpointDifferences, trainerCheckpointTree } from './trainer-checkpoint.js';
import { kernelToWeight, weightToKernel } from './weight-layout.js';

function readValues(w: TfWeight): Float64Array {
  return Float64Array.from(w.read().dataSync() as Float32Array);
}

function writeValues(w: TfWeight, values: ArrayLike<number>): void {
  tf.tidy(() => {
    w.write(tf.tensor(Float32Array.from(values), w.shape as number[], 'float32'));
  });
}

function weightSize(w: TfWeight): number {
  return (w.shape as number[]).reduce((a, b) => a * b, 1);
}

function asTensorList(x: tf.Tensor | tf.Tensor[], what: string): tf.Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length === 0 || !list.every((t) => t instanceof tf.Tensor)) {
    throw new TypeError(`${what} must be a tf.Tensor or a non-empty array of tf.Tensors`);
  }
  for (const t of list) {
    if (t.isDisposed) throw new TypeError(`${what} is a disposed tensor`);
  }
  return list;
}

/**
 * Trains a `tf.LayersModel` (built with `tf.sequential` or the functional API) with SINGD, KFAC,
 * AdamW or SGD, in TensorFlow.js's idiom: {@link fit} returns a `tf.History` like `model.fit`,
 * {@link trainBatch} takes one step on one batch, {@link step} one step on any loss.
 *
 * **Which weights go where** ({@link assignments}, {@link summary}): with `optimizer` SINGD or
 * KFAC, the kernel and bias of every Dense and Conv2D layer (any activation, fused or not, with
 * or without bias, 'same'/'valid', strides, dilation, channelsLast or channelsFirst) are
 * preconditioned; every other trainable weight (BatchNormalization, LayerNormalization,
 * Embedding, …) goes to `fallback` (AdamW by default). With AdamW or SGD as `optimizer`, it
 * trains every weight. No trainable weight is left out.
 *
 * **Captures** (spec §1.2): on steps where the preconditioner updates (`t mod T = 0`), the
 * supported layers' `call` is replaced for that one forward/backward pass by one that computes
 * the pre-activation, records the layer input, routes the pre-activation through an identity
 * whose gradient records `∂loss/∂pre`, and then applies the activation. Gradients of the
 * weights come from the same pass (`tf.variableGrads`). Conv2D inputs are zero-padded as tfjs
 * pads them (`'same'` with an odd total puts the extra row/column after), so kron-curvature sees
 * a `'valid'` NHWC convolution; Dense kernels `[in, out]` and Conv2D kernels `[kh, kw, cin, cout]`
 * become weights `[out, in]` / `[cout, (i, j, c)]`.
 *
 * **Cost per step**: one forward and backward pass (two on update steps with the Monte-Carlo
 * Fisher), one read of all gradients and weights to the CPU, the optimizers' cost, one write of
 * the weights. Model weights stay float32 tensors; no tensor is left behind.
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, { optimizer: { kind: 'singd', options: { lr: 0.05, T: 1 } }, loss: 'categoricalCrossentropy' });
 * const history = await trainer.fit(x, y, { epochs: 3, batchSize: 32 });
 * trainer.dispose();
 * ```
 */
export class Trainer {
  /** The model being trained. */
  readonly model: tf.LayersModel;
  readonly loss: LossName;
  readonly fisher: FisherKind;
  /** Steps skipped for NaN/±∞ (only with `nonFinite: 'skip'`). */
  readonly skippedSteps: SkippedStep[] = [];
  private readonly options: ResolvedTrainerOptions;
  private readonly layers: ModelLayers;
  private readonly preconditioned: readonly PreconditionedLayer[];
  private readonly preconditioner: LayerPreconditioner | null;
  /** Layers trained by {@link flat}: every layer when the main optimizer is flat, else the rest. */
  private readonly flatLayers: readonly FallbackLayer[];
  private readonly flat: FlatOptimizer | null;
  private readonly flatRole: 'main' | 'fallback';
  private readonly weightByName = new Map<string, TfWeight>();
  /** The weights of the flat optimizer by their key there (`LayerVariable.originalName`). */
  private readonly flatKeys = new Map<string, TfWeight>();
  /** Conv2D layers with dilation > 1: always run through the rewritten forward pass (tfjs has no gradient for them). */
  private readonly dilated: readonly PreconditionedLayer[];
  /** Every Conv2D layer: rewritten on backends without a conv2d filter gradient (wasm). */
  private readonly convolutions: readonly PreconditionedLayer[];
  private stepCount = 0;
  private fisherRandom: SeededRandom;
  private shuffleRandom: SeededRandom;
  private disposed = false;

  /**
   * @param model - a built `tf.LayersModel` with one output.
   * @throws TypeError for a model that is not a built LayersModel; RangeError for invalid
   *   options, a model with several outputs, regularisers, or duplicate weight names.
   */
  constructor(model: tf.LayersModel, options: TrainerOptions) {
    if (!(model instanceof tf.LayersModel)) {
      throw new TypeError('Trainer: model must be a tf.LayersModel (tf.sequential(...) or tf.model(...))');
    }
    if (model.outputs.length === 0) {
      throw new TypeError(`Trainer: model '${model.name}' is not built; give its first layer an inputShape`);
    }
    if (model.outputs.length !== 1) {
      throw new RangeError(
        `Trainer: model '${model.name}' has ${model.outputs.length} outputs; only single-output models are supported`,
      );
    }
    this.options = resolveTrainerOptions(options);
    if (model instanceof tf.Sequential && (model as unknown as { model: unknown }).model == null) {
      model.build(); // what its first apply() would do; fit() needs it for model.stopTraining
    }
    this.model = model;
    this.loss = this.options.loss;
    this.fisher = this.options.fisher;
    this.layers = modelLayers(model);
    for (const w of this.layers.trainableWeights) {
      if (this.weightByName.has(w.name)) throw new RangeError(`two trainable weights are named '${w.name}'`);
      this.weightByName.set(w.name, w);
    }
    const main = this.options.optimizer;
    if (main.kind === 'singd' || main.kind === 'kfac') {
      this.preconditioned = this.layers.preconditioned;
      this.flatLayers = this.layers.others;
      this.flatRole = 'fallback';
      this.preconditioner =
        this.preconditioned.length === 0
          ? null
          : main.kind === 'singd'
            ? singdPreconditioner(this.preconditioned, main.options)
            : kfacPreconditioner(this.preconditioned, main.options);
    } else {
      this.preconditioned = [];
      this.flatLayers = this.layers.all;
      this.flatRole = 'main';
      this.preconditioner = null;
    }
    this.convolutions = this.layers.preconditioned.filter((l) => l.conv !== null);
    this.dilated = this.convolutions.filter((l) => l.conv!.dilation[0] > 1 || l.conv!.dilation[1] > 1);
    const flatSpec =
      this.flatRole === 'main' ? (main as ResolvedTrainerOptions['fallback']) : this.options.fallback;
    // The flat optimizers key their state by the weights' original (scoped, not uniquified) names,
    // which stay the same for a model rebuilt with the same layer names, so checkpoints fit it.
    const sizes = new Map<string, number>();
    for (const l of this.flatLayers) {
      for (const w of l.weights) {
        if (sizes.has(w.originalName))
          throw new RangeError(`two trainable weights are named '${w.originalName}'`);
        sizes.set(w.originalName, weightSize(w));
        this.flatKeys.set(w.originalName, w);
      }
    }
    this.flat = sizes.size === 0 ? null : flatOptimizer(flatSpec, sizes);
    this.fisherRandom = new SeededRandom(this.options.seed);
    this.shuffleRandom = new SeededRandom(this.options.seed ^ 0x5bd1e995);
  }

  /** The number of steps taken (skipped ones included). */
  get steps(): number {
    return this.stepCount;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('Trainer: this trainer was disposed');
  }

  /**
   * One optimizer step on the batch `(x, y)` with the configured loss (the model runs in
   * training mode: dropout active, batch statistics used and updated). Returns the loss before
   * the step. Cost: see {@link Trainer}.
   * @throws TypeError for non-tensors; RangeError naming the shapes when `x` and `y` do not
   *   match the model; NonFiniteError (with `nonFinite: 'throw'`).
   */
  trainBatch(x: tf.Tensor | tf.Tensor[], y: tf.Tensor): number {
    this.assertUsable();
    const xs = asTensorList(x, 'trainBatch: x');
    const [ys] = asTensorList(y, 'trainBatch: y') as [tf.Tensor];
    const batch = xs[0]!.shape[0];
    if (xs.some((t) => t.shape[0] !== batch) || ys.shape[0] !== batch) {
      throw new RangeError(
        `trainBatch: batch sizes differ: x [${xs.map((t) => `[${t.shape.join(', ')}]`).join(', ')}] vs y [${ys.shape.join(', ')}]`,
      );
    }
    const input = Array.isArray(x) ? xs : xs[0]!;
    const forward = (): tf.Tensor => {
      const predicted = this.model.apply(input, { training: true }) as tf.Tensor;
      checkTargets(this.loss, ys, predicted.shape);
      return predicted;
    };
    const lossFn = (): tf.Scalar => lossValue(this.loss, ys, forward());
    const sampledLossFn = (): tf.Scalar => {
      const predicted = forward();
      const sampled = sampleTargets(this.loss, predicted, this.fisherRandom);
      return lossValue(this.loss, sampled, predicted);
    };
    return this.runStep(lossFn, this.fisher === 'monte-carlo' ? sampledLossFn : null);
  }

  /**
   * One optimizer step on any scalar loss: `lossFn` must run the model (e.g. `model.apply(x,
   * { training: true })`) and return a scalar. The curvature is the empirical Fisher of that
   * loss (averaged over the batch, as the captures assume). Returns the loss before the step.
   * @throws Error when the trainer uses the Monte-Carlo Fisher (it needs the predictions: use
   *   {@link trainBatch}); TypeError when `lossFn` does not return a scalar; NonFiniteError.
   */
  step(lossFn: () => tf.Scalar): number {
    this.assertUsable();
    if (typeof lossFn !== 'function')
      throw new TypeError('step: lossFn must be a function returning a scalar tf.Tensor');
    if (this.fisher === 'monte-carlo') {
      throw new Error(
        "step(lossFn) captures the empirical Fisher only; with fisher 'monte-carlo' use trainBatch(x, y)",
      );
    }
    return this.runStep(lossFn, null);
  }

  private runStep(lossFn: () => tf.Scalar, sampledLossFn: (() => tf.Scalar) | null): number {
    const step = this.stepCount;
    // Training-mode forward passes update non-trainable weights (BatchNormalization's moving
    // statistics); keep zero-copy clones so a rejected step can put them back.
    const frozen = this.model.nonTrainableWeights.map((w) => ({ w, value: w.read().clone() }));
    const before = this.stepCount;
    let applied = false;
    try {
      const loss = this.stepWithRollback(step, lossFn, sampledLossFn);
      applied = this.skippedSteps.at(-1)?.step !== before;
      return loss;
    } finally {
      // A step that throws or is skipped leaves the model as it was.
      if (!applied) for (const { w, value } of frozen) w.write(value);
      for (const { value } of frozen) value.dispose();
    }
  }

  private stepWithRollback(
    step: number,
    lossFn: () => tf.Scalar,
    sampledLossFn: (() => tf.Scalar) | null,
  ): number {
    const updating = this.preconditioner?.updatingLayers() ?? new Set<string>();
    const captured = this.preconditioned.filter((l) => updating.has(l.name));
    const { loss, grads, captures } = gradientPass({
      weights: this.layers.trainableWeights,
      captured,
      rewritten: backendDifferentiatesConv2dFilter() ? this.dilated : this.convolutions,
      lossFn,
      sampledLossFn,
    });
    const problem = nonFiniteProblem(loss, grads, captures);
    if (problem !== null) return this.skipOrThrow(step, loss, problem, true);
    for (const [name, calls] of captures) this.preconditioner!.capture(name, calls);
    let layerValues: ReadonlyMap<string, LayerValues> = new Map();
    if (this.preconditioner !== null) {
      const params = new Map<string, LayerValues>();
      const layerGrads = new Map<string, LayerValues>();
      for (const l of this.preconditioned) {
        const out = l.outputDimension;
        params.set(l.name, {
          weight: kernelToWeight(readValues(l.kernel), out),
          bias: l.bias === null ? null : readValues(l.bias),
        });
        layerGrads.set(l.name, {
          weight: kernelToWeight(grads.get(l.kernel.name)!, out),
          bias: l.bias === null ? null : grads.get(l.bias.name)!,
        });
      }
      const outcome = this.preconditioner.step(params, layerGrads);
      if (!outcome.ok) {
        if (this.preconditioner.kind === 'kfac') this.preconditioner.skip();
        return this.skipOrThrow(
          step,
          loss,
          `${this.preconditioner.kind} skipped the step: ${outcome.reason}`,
          false,
        );
      }
      layerValues = outcome.values;
    }
    let flatValues: Record<string, Float64Array> = {};
    if (this.flat !== null) {
      const params: Record<string, Float64Array> = {};
      const flatGrads: Record<string, Float64Array> = {};
      for (const l of this.flatLayers) {
        for (const w of l.weights) {
          params[w.originalName] = readValues(w);
          flatGrads[w.originalName] = grads.get(w.name)!;
        }
      }
      flatValues = this.flat.step(params, flatGrads);
    }
    for (const l of this.preconditioned) {
      const v = layerValues.get(l.name)!;
      writeValues(l.kernel, weightToKernel(v.weight, l.outputDimension));
      if (l.bias !== null) writeValues(l.bias, v.bias!);
    }
    for (const [key, values] of Object.entries(flatValues)) writeValues(this.flatKeys.get(key)!, values);
    this.stepCount++;
    return loss;
  }

  private skipOrThrow(step: number, loss: number, reason: string, beforeOptimizers: boolean): number {
    if (this.options.nonFinite === 'throw' && beforeOptimizers) {
      throw new NonFiniteError(
        step,
        `step ${step}: ${reason}; nothing was changed (pass nonFinite: 'skip' to skip such steps)`,
      );
    }
    if (beforeOptimizers) this.preconditioner?.skip();
    this.stepCount++;
    this.skippedSteps.push({ step, reason });
    if (this.options.nonFinite === 'throw') {
      throw new NonFiniteError(step, `step ${step} was skipped: ${reason}`);
    }
    return loss;
  }

  /**
   * Trains for `epochs` passes over `(x, y)` in batches, like `model.fit`: shuffles each epoch
   * (seeded by the `seed` option) unless `shuffle: false`, reports `loss` per epoch, `val_loss` (and `val_acc` for the
   * cross-entropies) with `validationData`, and calls tfjs
   * callbacks (`onTrainBegin`, `onEpochBegin`, `onBatchBegin`, `onBatchEnd`, `onEpochEnd`,
   * `onTrainEnd`; `tf.callbacks.earlyStopping` works). Returns the `tf.History`.
   * @throws RangeError for invalid arguments; Error when another fit of this trainer runs.
   */
  fit(x: tf.Tensor | tf.Tensor[], y: tf.Tensor, args: FitArgs = {}): Promise<tf.History> {
    this.assertUsable();
    return fitLoop(this, x, y, args, this.shuffleRandom);
  }

  /**
   * The loss (and the accuracy for the cross-entropies, else `null`) of the model on `(x, y)`
   * in inference mode, over batches of `batchSize`. Cost: one forward pass.
   */
  evaluate(
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor,
    batchSize = 128,
  ): { loss: number; accuracy: number | null } {
    this.assertUsable();
    const xs = asTensorList(x, 'evaluate: x');
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`evaluate: batchSize must be an integer ≥ 1; got ${String(batchSize)}`);
    }
    const n = xs[0]!.shape[0];
    if (y.shape[0] !== n) throw new RangeError(`evaluate: x has ${n} samples but y has ${y.shape[0]}`);
    let total = 0;
    let correct: number | null = 0;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      tf.tidy(() => {
        const xb = xs.map((t) => t.slice(start, size));
        const yb = y.slice(start, size);
        const predicted = this.model.apply(Array.isArray(x) ? xb : xb[0]!, { training: false }) as tf.Tensor;
        checkTargets(this.loss, yb, predicted.shape);
        total += lossValue(this.loss, yb, predicted).dataSync()[0]! * size;
        const c = correctCount(this.loss, yb, predicted);
        correct = c === null || correct === null ? null : correct + c;
      });
    }
    return { loss: total / n, accuracy: correct === null ? null : correct / n };
  }

  /** Which optimizer trains which layer's weights, in model order. */
  assignments(): ReadonlyArray<LayerAssignment> {
    const precond = new Set(this.preconditioned.map((l) => l.name));
    const flatKind =
      this.flat?.kind ??
      (this.flatRole === 'main'
        ? (this.options.optimizer.kind as OptimizerKind)
        : this.options.fallback.kind);
    return this.layers.all.map((l) => {
      const isPre = precond.has(l.name);
      return {
        layer: l.name,
        layerClass: l.layerClass,
        weights: l.weights.map((w) => w.name),
        optimizer: isPre ? this.preconditioner!.kind : flatKind,
        role: isPre ? 'main' : this.flatRole,
        preconditioned: isPre,
      };
    });
  }

  /** A table of {@link assignments}: layer, class, optimizer, weights and their shapes. */
  summary(): string {
    const rows = this.assignments().map((a) => [
      a.layer,
      a.layerClass,
      `${a.optimizer}${a.preconditioned ? ' (preconditioned)' : a.role === 'fallback' ? ' (fallback)' : ''}`,
      a.weights.map((n) => `${n} [${this.weightByName.get(n)!.shape.join(', ')}]`).join(', '),
    ]);
    const header = ['layer', 'class', 'optimizer', 'trainable weights'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
    const counts = this.assignments().reduce(
      (acc, a) => {
        acc[a.role] += a.weights.length;
        return acc;
      },
      { main: 0, fallback: 0 },
    );
    return [
      `Trainer: optimizer ${this.options.optimizer.kind}, fallback ${this.options.fallback.kind}, loss ${this.loss}, fisher ${this.fisher}`,
      line(header),
      ...rows.map(line),
      `${this.layers.trainableWeights.length} trainable weights: ${counts.main} main (${this.options.optimizer.kind}), ${counts.fallback} fallback (${this.options.fallback.kind}), 0 untrained`,
    ].join('\n');
  }

  /**
   * Optimizer state bytes per layer and in total (the typed arrays the optimizers hold; for
   * SINGD layers `Singd.memoryReport`'s numbers, for KFAC `S_K`, `S_C`, their Cholesky factors and
   * the momentum buffer), and the ratio to AdamW's two moment buffers.
   */
  memoryReport(): TrainerMemoryReport {
    const layers: Record<string, LayerMemory> = {};
    let stateBytes = 0;
    let parameterBytes = 0;
    for (const a of this.assignments()) {
      const params = a.weights.reduce(
        (sum, n) => sum + Float64Array.BYTES_PER_ELEMENT * weightSize(this.weightByName.get(n)!),
        0,
      );
      const state = a.preconditioned
        ? this.preconditioner!.stateBytes(a.layer)
        : a.weights.reduce(
            (sum, n) => sum + (this.flat?.stateBytes(this.weightByName.get(n)!.originalName) ?? 0),
            0,
          );
      layers[a.layer] = { optimizer: a.optimizer, stateBytes: state, parameterBytes: params };
      stateBytes += state;
      parameterBytes += params;
    }
    return {
      stateBytes,
      parameterBytes,
      ratioToAdamW: parameterBytes === 0 ? 0 : stateBytes / (2 * parameterBytes),
      layers,
    };
  }

  /** Copies of all model weights (trainable and not, `model.getWeights()` order); the caller disposes them. */
  getWeights(): tf.Tensor[] {
    this.assertUsable();
    return this.model.getWeights().map((w) => w.clone());
  }

  /**
   * Sets all model weights (`model.setWeights`), after checking count and shapes; optimizer
   * state is kept. The tensors are copied (the caller keeps ownership).
   * @throws RangeError naming the weight and both shapes.
   */
  setWeights(weights: tf.Tensor[]): void {
    this.assertUsable();
    const all = this.model.weights;
    if (!Array.isArray(weights) || weights.length !== all.length) {
      throw new RangeError(
        `setWeights: expected ${all.length} tensors (model.getWeights() order); got ${Array.isArray(weights) ? weights.length : typeof weights}`,
      );
    }
    weights.forEach((w, i) => {
      const want = all[i]!.shape;
      if (
        !(w instanceof tf.Tensor) ||
        w.shape.length !== want.length ||
        w.shape.some((s, k) => s !== want[k])
      ) {
        throw new RangeError(
          `setWeights: weight ${i} ('${all[i]!.originalName}') must have shape [${want.join(', ')}]; got ${w instanceof tf.Tensor ? `[${w.shape.join(', ')}]` : typeof w}`,
        );
      }
    });
    this.model.setWeights(weights);
  }

  private checkpointTree(withOptimizers: boolean): Record<string, StateTree> {
    return trainerCheckpointTree({
      header: {
        optimizer: this.options.optimizer.kind,
        fallback: this.options.fallback.kind,
        loss: this.loss,
        fisher: this.fisher,
        preconditionedLayers: this.preconditioned.map((l) => l.name),
      },
      steps: this.stepCount,
      random: { fisher: this.fisherRandom.state, shuffle: this.shuffleRandom.state },
      preconditioner: withOptimizers && this.preconditioner !== null ? this.preconditioner.save() : null,
      flat: this.flat === null ? null : this.flat.save(),
      weights: this.model.weights,
    });
  }

  /**
   * The whole training state — a header (format, version, optimizer kinds, loss, Fisher, step
   * counter, random-generator states), the optimizers' checkpoints and all model weights
   * (trainable and not) — in @singd/singd's versioned checkpoint format. Resuming from it with
   * {@link loadCheckpoint} continues bit-identically. Cost O(weights + optimizer state).
   */
  saveCheckpoint(): Uint8Array {
    this.assertUsable();
    return serializeCheckpoint(this.checkpointTree(true));
  }

  /**
   * Restores a checkpoint of {@link saveCheckpoint} written by a trainer of the same model
   * architecture and options. Model weights are matched by position and shape (as
   * `model.setWeights`); optimizer state by layer name and weight original name, so a model
   * rebuilt in the same process needs explicit layer names (auto-generated ones are numbered).
   * Everything is checked before anything changes.
   * @throws CheckpointError (`reason` 'mismatch' listing every difference: format, optimizer
   *   kinds, loss, layers, weight shapes, optimizer state; or a corrupt/truncated file).
   */
  loadCheckpoint(bytes: Uint8Array): void {
    this.assertUsable();
    if (!(bytes instanceof Uint8Array))
      throw new CheckpointError(
        'corrupt-header',
        'loadCheckpoint expects the Uint8Array of saveCheckpoint()',
      );
    const tree = deserializeCheckpoint(bytes) as Record<string, StateTree>;
    const differences = checkpointDifferences(this.checkpointTree(false), tree);
    if (differences.length > 0) {
      throw new CheckpointError(
        'mismatch',
        `checkpoint does not match this trainer (expected vs checkpoint): ${differences.join('; ')}`,
        differences,
      );
    }
    const applyPreconditioner = this.preconditioner?.prepareLoad(tree['preconditioner']!) ?? (() => {});
    const applyFlat = this.flat?.prepareLoad(tree['flat']!) ?? (() => {});
    applyPreconditioner();
    applyFlat();
    const all = this.model.weights;
    (tree['weights'] as { values: Float32Array }[]).forEach((w, i) => {
      writeValues(all[i]!, w.values);
    });
    this.stepCount = tree['steps'] as number;
    const random = tree['random'] as { fisher: number; shuffle: number };
    this.fisherRandom = new SeededRandom(0, random.fisher);
    this.shuffleRandom = new SeededRandom(0, random.shuffle);
  }

  /** Frees nothing of the model; marks the trainer unusable (any later call throws). Idempotent. */
  dispose(): void {
    this.disposed = true;
  }
}
