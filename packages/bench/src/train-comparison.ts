import * as tf from '@tensorflow/tfjs';
import { classCounts, IMAGE_PIXELS } from './data-images.js';
import { type LoadedDataset, loadDataset } from './data-load.js';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { activateBackend, selectBackend } from './train-backend.js';
import {
  HYPER_PARAMETERS,
  type HyperParameters,
  hasBfloat16Variant,
  type OptimizerName,
  type Precision,
} from './train-optimizers.js';
import { type RunResult, type RunSpec, stepsPerEpoch, trainRun } from './train-run.js';
import type { ComparisonSettings } from './train-settings.js';

/** A combination that was asked for but not run, and why. */
export interface SkippedCombination {
  readonly optimizer: OptimizerName;
  readonly precision: Precision;
  readonly reason: string;
}

/** Everything a comparison measured, plus the context to reproduce it. */
export interface ComparisonResult {
  readonly settings: ComparisonSettings;
  readonly hyperParameters: HyperParameters;
  /** The TensorFlow.js backend that ran the model. */
  readonly backend: 'wasm' | 'cpu';
  readonly machine: MachineInfo;
  /** ISO time the comparison started. */
  readonly date: string;
  readonly data: {
    readonly sourceCount: number;
    readonly loadMs: number;
    readonly trainClassCounts: readonly number[];
    readonly testClassCounts: readonly number[];
    readonly stepsPerEpoch: number;
  };
  readonly runs: readonly RunResult[];
  readonly skipped: readonly SkippedCombination[];
  /** Milliseconds for the whole comparison (loading, training, evaluating). */
  readonly totalMs: number;
}

/** Progress events of `runComparison`. */
export interface ComparisonListener {
  /** A run starts: its spec, its 1-based index and the number of runs. */
  runStart?(spec: RunSpec, index: number, count: number, steps: number): void;
  /** A step of the current run finished. */
  step?(done: number, total: number, loss: number): void;
  /** The current run finished. */
  runEnd?(result: RunResult): void;
}

/** The runs of `settings` in order (optimizer, then precision, then seed) and the combinations left out. */
export function planRuns(settings: ComparisonSettings): { runs: RunSpec[]; skipped: SkippedCombination[] } {
  const runs: RunSpec[] = [];
  const skipped: SkippedCombination[] = [];
  for (const optimizer of settings.optimizers) {
    for (const precision of settings.precisions) {
      if (precision === 'bfloat16' && !hasBfloat16Variant(optimizer)) {
        skipped.push({
          optimizer,
          precision,
          reason: `${optimizer} has no bfloat16 state option in @singd/singd (its state is float64); run in float32 only`,
        });
        continue;
      }
      for (const seed of settings.seeds) runs.push({ optimizer, precision, seed });
    }
  }
  return { runs, skipped };
}

/**
 * Runs the comparison: loads the data set (or uses `options.data`), activates the backend, and
 * trains one fresh model per planned run (see {@link trainRun}). Deterministic for given
 * settings apart from wall times.
 * @throws RangeError for inconsistent settings (sizes, batch larger than the training set);
 *   DataLoadError naming the file that failed.
 */
export async function runComparison(
  settings: ComparisonSettings,
  options: {
    readonly listener?: ComparisonListener;
    readonly data?: LoadedDataset;
    readonly hyperParameters?: HyperParameters;
  } = {},
): Promise<ComparisonResult> {
  const start = performance.now();
  const date = new Date().toISOString();
  const backend = selectBackend(settings.backend, settings.model);
  const plan = planRuns(settings);
  const data =
    options.data ??
    (await loadDataset(settings.dataset, {
      trainSize: settings.trainSize,
      testSize: settings.testSize,
      seed: settings.dataSeed,
    }));
  const perEpoch = stepsPerEpoch(data.train.count, settings.batchSize);
  if (perEpoch < 1) {
    throw new RangeError(
      `--batch-size ${settings.batchSize} is larger than --train-size ${data.train.count}; valid batch sizes: 1 to ${data.train.count}`,
    );
  }
  await activateBackend(backend);
  const hyperParameters = options.hyperParameters ?? HYPER_PARAMETERS;
  const testImages = tf.tensor2d(data.test.images, [data.test.count, IMAGE_PIXELS]);
  const testLabels = tf.tensor1d(Float32Array.from(data.test.labels), 'float32');
  const runs: RunResult[] = [];
  try {
    plan.runs.forEach((spec, i) => {
      options.listener?.runStart?.(spec, i + 1, plan.runs.length, perEpoch * settings.epochs);
      const result = trainRun(
        spec,
        {
          model: settings.model,
          epochs: settings.epochs,
          batchSize: settings.batchSize,
          evaluationsPerEpoch: settings.evaluationsPerEpoch,
          hyperParameters,
        },
        { train: data.train, testImages, testLabels },
        options.listener?.step,
      );
      runs.push(result);
      options.listener?.runEnd?.(result);
    });
  } finally {
    testImages.dispose();
    testLabels.dispose();
  }
  return {
    settings,
    hyperParameters,
    backend,
    machine: machineInfo(),
    date,
    data: {
      sourceCount: data.sourceCount,
      loadMs: data.loadMs,
      trainClassCounts: classCounts(data.train),
      testClassCounts: classCounts(data.test),
      stepsPerEpoch: perEpoch,
    },
    runs,
    skipped: plan.skipped,
    totalMs: performance.now() - start,
  };
}
