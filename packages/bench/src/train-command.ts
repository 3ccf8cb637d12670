import { resolve } from 'node:path';
import type { CommandContext } from './api.js';
import { DATASET_NAMES, DATASET_SIZES } from './data-load.js';
import { defineSubcommand } from './define-subcommand.js';
import { toJson } from './json.js';
import { MODEL_NAMES } from './models-names.js';
import { startProgress } from './progress-bar.js';
import { summarize } from './report-summary.js';
import { summaryTable, targetsTable } from './report-tables.js';
import { checkTrainingTargets, percent } from './report-targets.js';
import { renderTextTable } from './table.js';
import { OPTIMIZER_NAMES, type Precision } from './train-optimizers.js';
import { BACKEND_CHOICES, type ComparisonSettings, DEFAULT_COMPARISON } from './train-settings.js';
import { UsageError } from './usage-error.js';

/** How a training command reports and where it writes. */
export interface TrainCommandOptions {
  /** Draw redrawn progress bars (stderr is a terminal) instead of plain lines. */
  readonly interactive: boolean;
  /** Where `<run-id>/` is written; `null`: write nothing. Default `reports` in the working directory. */
  readonly reportsDirectory: string | null;
}

/** The precision choices of `--precision`. */
export const PRECISION_CHOICES = ['float32', 'bfloat16', 'both'] as const;

/** The precisions `--precision` stands for. */
export function precisionsOf(choice: (typeof PRECISION_CHOICES)[number]): readonly Precision[] {
  return choice === 'both' ? ['float32', 'bfloat16'] : [choice];
}

/**
 * Checks what the option parser cannot: the split fits the data set, the batch fits the split.
 * @throws UsageError naming the arguments and the valid range.
 */
export function checkComparisonSettings(command: string, settings: ComparisonSettings): void {
  const available = DATASET_SIZES[settings.dataset];
  if (settings.trainSize + settings.testSize > available) {
    throw new UsageError(
      `${command}: --train-size ${settings.trainSize} + --test-size ${settings.testSize} exceed the ${available} images of ${settings.dataset}; valid: train-size + test-size ≤ ${available}`,
    );
  }
  if (settings.batchSize > settings.trainSize) {
    throw new UsageError(
      `${command}: --batch-size ${settings.batchSize} is larger than --train-size ${settings.trainSize}; valid batch sizes: 1 to ${settings.trainSize}`,
    );
  }
  if (settings.model === 'cnn' && settings.backend === 'wasm') {
    throw new UsageError(
      `${command}: --backend wasm cannot train --model cnn (tfjs-backend-wasm 4.22.0 has no Conv2DBackpropFilter kernel); valid backends for cnn: auto, cpu`,
    );
  }
}

/**
 * Runs the comparison `settings` with progress on stderr, prints the results table and the
 * target checks (or, with `--json`, the results as JSON) and writes the report folder. Returns
 * the exit code (0; the comparison itself failing throws).
 */
export async function runTraining(
  settings: ComparisonSettings,
  context: CommandContext,
  options: TrainCommandOptions,
): Promise<number> {
  const { runComparison } = await import('./train-comparison.js');
  const { writeReport, resultsJson, runId } = await import('./report-write.js');
  let bar: ReturnType<typeof startProgress> | undefined;
  const result = await runComparison(settings, {
    listener: {
      runStart(spec, index, count, steps) {
        bar = startProgress(
          `[${index}/${count}] ${spec.optimizer} ${spec.precision} seed ${spec.seed}`,
          steps,
          {
            write: context.stderr,
            interactive: options.interactive,
          },
        );
      },
      step(done, _total, loss) {
        bar?.update(done, `loss ${Number.isFinite(loss) ? loss.toFixed(4) : String(loss)}`);
      },
      runEnd(run) {
        bar?.finish(
          `test accuracy ${percent(run.finalTestAccuracy)}${run.status === 'ok' ? '' : ` (${run.status})`}`,
        );
      },
    },
  });
  const directory =
    options.reportsDirectory === null ? null : await writeReport(result, resolve(options.reportsDirectory));
  if (context.json) {
    const id = runId(result);
    const parsed = JSON.parse(resultsJson(result, id)) as Record<string, unknown>;
    context.stdout(toJson({ ...parsed, reportDirectory: directory }));
    return 0;
  }
  const s = result.settings;
  context.stdout(
    `\n${s.model} on ${s.dataset}: ${s.trainSize} training / ${s.testSize} test images, ${s.epochs} epoch(s) of batch ${s.batchSize}, ` +
      `seeds ${s.seeds.join(',')}, backend ${result.backend}; ${(result.totalMs / 1000).toFixed(1)} s in all.\n` +
      "Precision is the optimizer state's (emulated bfloat16 preconditioner state and arithmetic); the model is float32.\n\n",
  );
  context.stdout(renderTextTable(summaryTable(summarize(result))));
  for (const k of result.skipped) context.stdout(`not run: ${k.optimizer} in ${k.precision}: ${k.reason}\n`);
  context.stdout(`\nTargets:\n${renderTextTable(targetsTable(checkTrainingTargets(result)))}`);
  context.stdout(
    directory === null ? '\n(no report written: --no-write)\n' : `\nReport: ${directory}/report.md\n`,
  );
  return 0;
}

const d = DEFAULT_COMPARISON;

/**
 * `singd-bench train`: trains one model per optimizer × precision × seed on MNIST or
 * Fashion-MNIST with the `Trainer` of @singd/tfjs, shows progress on stderr, prints the results
 * table and the target checks, and writes `reports/<run-id>/` (report.md, results.json, SVG plots).
 */
export const trainCommand = defineSubcommand({
  name: 'train',
  summary: 'training comparison: SINGD vs KFAC vs AdamW on MNIST / Fashion-MNIST, float32 and bfloat16',
  description:
    'Trains a fresh model per optimizer × precision × seed with the Trainer of @singd/tfjs (sparse\n' +
    'categorical cross-entropy, empirical Fisher, seeded weights and batch order), evaluates on the\n' +
    'test set during training, and prints a results table (test accuracy, losses, time, optimizer-state\n' +
    'bytes) and the target checks. "bfloat16" emulates the optimizer\'s preconditioner state and\n' +
    'arithmetic in bfloat16; the model stays float32. Writes reports/<run-id>/ with report.md,\n' +
    'results.json and SVG plots (loss and accuracy against step and time, memory bars).',
  options: {
    dataset: { kind: 'choice', description: 'data set', choices: DATASET_NAMES, default: d.dataset },
    model: { kind: 'choice', description: 'model', choices: MODEL_NAMES, default: d.model },
    optimizers: {
      kind: 'choice-list',
      description: 'optimizers to compare',
      choices: OPTIMIZER_NAMES,
      default: d.optimizers,
      placeholder: '<name,name,…>',
    },
    precision: {
      kind: 'choice',
      description: 'optimizer-state precision',
      choices: PRECISION_CHOICES,
      default: 'both',
    },
    epochs: { kind: 'integer', description: 'epochs per run', default: d.epochs, min: 1, max: 1000 },
    'batch-size': {
      kind: 'integer',
      description: 'mini-batch size',
      default: d.batchSize,
      min: 1,
      max: 70_000,
    },
    'train-size': {
      kind: 'integer',
      description: 'training images (mnist has 10000, fashion-mnist 70000)',
      default: d.trainSize,
      min: 1,
      max: 70_000,
    },
    'test-size': { kind: 'integer', description: 'test images', default: d.testSize, min: 1, max: 70_000 },
    seeds: {
      kind: 'integer-list',
      description: 'one run per seed (model initialisation and batch order)',
      default: d.seeds,
      min: 0,
      max: 2 ** 31 - 1,
      placeholder: '<seed,seed,…>',
    },
    'data-seed': {
      kind: 'integer',
      description: 'seed of the train/test split',
      default: d.dataSeed,
      min: 0,
      max: 2 ** 31 - 1,
    },
    evaluations: {
      kind: 'integer',
      description: 'test evaluations per epoch',
      default: d.evaluationsPerEpoch,
      min: 1,
      max: 1000,
    },
    backend: {
      kind: 'choice',
      description: 'TensorFlow.js backend (auto: wasm, or cpu for the cnn)',
      choices: BACKEND_CHOICES,
      default: d.backend,
    },
    'no-write': { kind: 'flag', description: 'do not write reports/<run-id>/' },
  },
  run(values, context) {
    const settings: ComparisonSettings = {
      dataset: values.dataset,
      model: values.model,
      optimizers: values.optimizers,
      precisions: precisionsOf(values.precision),
      epochs: values.epochs,
      batchSize: values['batch-size'],
      trainSize: values['train-size'],
      testSize: values['test-size'],
      seeds: values.seeds,
      dataSeed: values['data-seed'],
      evaluationsPerEpoch: values.evaluations,
      backend: values.backend,
    };
    checkComparisonSettings('singd-bench train', settings);
    return runTraining(settings, context, {
      interactive: process.stderr.isTTY === true,
      reportsDirectory: values['no-write'] ? null : 'reports',
    });
  },
});
