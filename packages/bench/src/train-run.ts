import { Trainer } from '@singd/tfjs';
import * as tf from '@tensorflow/tfjs';
import { IMAGE_PIXELS, type LabelledImages } from './data-images.js';
import { seededPermutation } from './data-split.js';
import { buildModel } from './models-build.js';
import type { ModelName } from './models-names.js';
import {
  HYPER_PARAMETERS,
  type HyperParameters,
  type OptimizerName,
  optimizerSpec,
  type Precision,
} from './train-optimizers.js';

/** The settings every run of one comparison shares. */
export interface RunSettings {
  readonly model: ModelName;
  readonly epochs: number;
  readonly batchSize: number;
  /** Test-set evaluations per epoch (besides the one before training). */
  readonly evaluationsPerEpoch: number;
  /** Hyper-parameters; default {@link HYPER_PARAMETERS}. */
  readonly hyperParameters?: HyperParameters;
}

/** Which optimizer, precision and seed one run uses. */
export interface RunSpec {
  readonly optimizer: OptimizerName;
  readonly precision: Precision;
  /** Seeds the model's initial weights and the order of the training batches. */
  readonly seed: number;
}

/** The training set as arrays and the test set as tensors (shared by all runs; the caller disposes them). */
export interface RunData {
  readonly train: LabelledImages;
  readonly testImages: tf.Tensor2D;
  /** Test labels as float32 class indices, shape [count]. */
  readonly testLabels: tf.Tensor1D;
}

/** The mini-batch loss of one step. */
export interface LossPoint {
  /** 1-based step number (the loss is that of the batch before this step's update). */
  readonly step: number;
  /** Training milliseconds spent up to the end of this step (evaluations excluded). */
  readonly wallMs: number;
  readonly loss: number;
}

/** One evaluation on the test set. */
export interface EvaluationPoint {
  /** Steps taken before the evaluation (0: the initial weights). */
  readonly step: number;
  readonly wallMs: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

/**
 * `ok`: every step ran; `skipped-steps`: some steps were skipped for NaN/±∞ or a failed
 * factorisation (fewer than half); `failed`: half of the steps or more were skipped, or the run
 * threw.
 */
export type RunStatus = 'ok' | 'skipped-steps' | 'failed';

/** Everything measured in one run. */
export interface RunResult extends RunSpec {
  readonly status: RunStatus;
  /** Why the run failed or skipped steps (the first reason), else absent. */
  readonly message?: string;
  /** Steps attempted. */
  readonly steps: number;
  readonly skippedSteps: number;
  readonly trainLoss: readonly LossPoint[];
  readonly evaluations: readonly EvaluationPoint[];
  /** Test accuracy after training, in [0, 1]. */
  readonly finalTestAccuracy: number;
  readonly finalTestLoss: number;
  /** Mean mini-batch loss over the last epoch's steps (or all steps when fewer). */
  readonly finalTrainLoss: number;
  /** Milliseconds of training (steps and batch preparation; evaluations excluded). */
  readonly trainMs: number;
  /** Milliseconds spent evaluating. */
  readonly evaluationMs: number;
  /** The Trainer's memory report after training. */
  readonly memory: {
    readonly stateBytes: number;
    readonly parameterBytes: number;
    readonly ratioToAdamW: number;
  };
  /** Weights preconditioned by SINGD/KFAC and weights trained by the fallback (AdamW), by count. */
  readonly preconditionedLayers: number;
  readonly fallbackLayers: number;
}

/** Called after every step: steps done, steps in all, the step's loss. */
export type StepListener = (done: number, total: number, loss: number) => void;

/** The seed of the batch order of `epoch` in a run seeded with `seed`. */
export function batchOrderSeed(seed: number, epoch: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) + epoch * 7919) >>> 0;
}

/** Steps per epoch: full batches only (the remainder of each shuffled epoch is not used). */
export function stepsPerEpoch(trainCount: number, batchSize: number): number {
  return Math.floor(trainCount / batchSize);
}

function batchTensors(train: LabelledImages, order: Uint32Array, start: number, size: number) {
  const images = new Float32Array(size * IMAGE_PIXELS);
  const labels = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const index = order[start + i]!;
    images.set(train.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = train.labels[index]!;
  }
  return { x: tf.tensor2d(images, [size, IMAGE_PIXELS]), y: tf.tensor1d(labels, 'float32') };
}

/**
 * Trains a fresh model (seeded by `spec.seed`) with the `Trainer` of @singd/tfjs for
 * `settings.epochs` epochs of full mini-batches (seeded shuffle per epoch), loss sparse
 * categorical cross-entropy, empirical Fisher, NaN/±∞ steps skipped and counted; evaluates on the
 * test set before training, `evaluationsPerEpoch` times per epoch and at the end. A run that
 * throws is recorded as `failed` with the message (the weights at that point are evaluated).
 * Cost: epochs · ⌊n/batch⌋ Trainer steps plus the evaluations.
 */
export function trainRun(
  spec: RunSpec,
  settings: RunSettings,
  data: RunData,
  onStep?: StepListener,
): RunResult {
  const perEpoch = stepsPerEpoch(data.train.count, settings.batchSize);
  if (perEpoch < 1) {
    throw new RangeError(
      `batch size ${settings.batchSize} is larger than the ${data.train.count} training images; use a smaller --batch-size or a larger --train-size`,
    );
  }
  const total = perEpoch * settings.epochs;
  const evalEvery = Math.max(1, Math.floor(perEpoch / settings.evaluationsPerEpoch));
  const model = buildModel(settings.model, spec.seed);
  const trainer = new Trainer(model, {
    optimizer: optimizerSpec(spec.optimizer, spec.precision, settings.hyperParameters ?? HYPER_PARAMETERS),
    loss: 'sparseCategoricalCrossentropy',
    seed: spec.seed,
    nonFinite: 'skip',
  });
  const assignments = trainer.assignments();
  const trainLoss: LossPoint[] = [];
  const evaluations: EvaluationPoint[] = [];
  let trainMs = 0;
  let evaluationMs = 0;
  let step = 0;
  let message: string | undefined;
  let threw = false;

  const evaluate = () => {
    const start = performance.now();
    const { loss, accuracy } = trainer.evaluate(data.testImages, data.testLabels, 500);
    evaluations.push({ step, wallMs: trainMs, testLoss: loss, testAccuracy: accuracy ?? Number.NaN });
    evaluationMs += performance.now() - start;
  };

  try {
    evaluate();
    training: for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const order = seededPermutation(data.train.count, batchOrderSeed(spec.seed, epoch));
      for (let b = 0; b < perEpoch; b++) {
        const start = performance.now();
        const { x, y } = batchTensors(data.train, order, b * settings.batchSize, settings.batchSize);
        let loss: number;
        try {
          loss = trainer.trainBatch(x, y);
        } catch (error: unknown) {
          message = `step ${step + 1}: ${error instanceof Error ? error.message : String(error)}`;
          threw = true;
          break training;
        } finally {
          x.dispose();
          y.dispose();
        }
        step++;
        trainMs += performance.now() - start;
        trainLoss.push({ step, wallMs: trainMs, loss });
        onStep?.(step, total, loss);
        if (step % evalEvery === 0 && step < total) evaluate();
      }
    }
    evaluate();
    const skipped = trainer.skippedSteps;
    const memory = trainer.memoryReport();
    const lastEpoch = trainLoss.slice(-perEpoch).filter((p) => Number.isFinite(p.loss));
    const final = evaluations[evaluations.length - 1]!;
    if (message === undefined && skipped.length > 0) {
      message = `${skipped.length} of ${step} steps skipped; first at step ${skipped[0]!.step + 1}: ${skipped[0]!.reason}`;
    }
    const status: RunStatus =
      threw || (step > 0 && skipped.length * 2 >= step)
        ? 'failed'
        : skipped.length > 0
          ? 'skipped-steps'
          : 'ok';
    return {
      ...spec,
      status,
      ...(message === undefined ? {} : { message }),
      steps: step,
      skippedSteps: skipped.length,
      trainLoss,
      evaluations,
      finalTestAccuracy: final.testAccuracy,
      finalTestLoss: final.testLoss,
      finalTrainLoss:
        lastEpoch.length === 0
          ? Number.NaN
          : lastEpoch.reduce((sum, p) => sum + p.loss, 0) / lastEpoch.length,
      trainMs,
      evaluationMs,
      memory: {
        stateBytes: memory.stateBytes,
        parameterBytes: memory.parameterBytes,
        ratioToAdamW: memory.ratioToAdamW,
      },
      preconditionedLayers: assignments.filter((a) => a.preconditioned).length,
      fallbackLayers: assignments.filter((a) => a.role === 'fallback').length,
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
