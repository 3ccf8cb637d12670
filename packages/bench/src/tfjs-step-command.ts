import { defineSubcommand } from './define-subcommand.js';
import { toJson } from './json.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';
import {
  DEFAULT_TFJS_STEP_OPTIONS,
  QUICK_TFJS_STEP_OPTIONS,
  TFJS_STEP_MODELS,
  TFJS_STEP_OPTIMIZERS,
  type TfjsStepBenchmarkOptions,
  type TfjsStepBenchmarkResult,
} from './tfjs-step-options.js';
import { renderTfjsStepMarkdown, renderTfjsStepText, TFJS_STEP_SECTION } from './tfjs-step-report.js';

/** Where `singd-bench tfjs-step` writes its results, relative to `packages/bench`. */
export const TFJS_STEP_RESULTS_FILE = 'results/tfjs-step.json';

/** Writes `result` to {@link TFJS_STEP_RESULTS_FILE} and regenerates the README's `tfjs-step` section. */
export async function writeTfjsStepResults(
  result: TfjsStepBenchmarkResult,
  root = packageRoot(),
): Promise<string[]> {
  return writeResultsAndReadme(
    root,
    TFJS_STEP_RESULTS_FILE,
    result,
    TFJS_STEP_SECTION,
    renderTfjsStepMarkdown(result),
  );
}

const defaults = DEFAULT_TFJS_STEP_OPTIONS;
const quick = QUICK_TFJS_STEP_OPTIONS;

/**
 * `singd-bench tfjs-step`: time per training step of SINGD (diagonal, block-diagonal,
 * hierarchical, dense) and KFAC through the `Trainer` of `@singd/tfjs`, against TensorFlow.js's
 * own `tf.train.adam` in the same run (issue 6, item 8). TensorFlow.js is loaded only when the
 * subcommand runs.
 */
export const tfjsStepCommand = defineSubcommand({
  name: 'tfjs-step',
  summary: 'time a TensorFlow.js training step with SINGD and KFAC against tf.train.adam',
  description:
    `Times training steps of an MLP 784-256-256-10 and a small CNN (batch ${defaults.batch}, tfjs '${defaults.backend}'\n` +
    'backend) with SINGD (diagonal, block-diagonal, hierarchical, dense) and KFAC through the\n' +
    `Trainer of @singd/tfjs (T = ${defaults.period}), and with tf.train.adam, interleaved in the same run; the mean\n` +
    'time per step averaged over periods of T steps and its ratio to Adam. Target: diagonal,\n' +
    'block-diagonal and hierarchical ≤ 1.5× Adam; dense and KFAC reported. Writes\n' +
    `${TFJS_STEP_RESULTS_FILE} and the table in packages/bench/README.md.`,
  options: {
    models: {
      kind: 'choice-list',
      description: 'models to train',
      choices: TFJS_STEP_MODELS,
      default: defaults.models,
      placeholder: '<model,model>',
    },
    optimizers: {
      kind: 'choice-list',
      description: 'optimizers to time against tf.train.adam',
      choices: TFJS_STEP_OPTIMIZERS,
      default: defaults.optimizers,
      placeholder: '<name,name,…>',
    },
    batch: {
      kind: 'integer',
      description: 'batch size',
      default: defaults.batch,
      min: 1,
      max: 4096,
      placeholder: '<N>',
    },
    period: {
      kind: 'integer',
      description: 'preconditioner update period T of SINGD and KFAC',
      default: defaults.period,
      min: 1,
      max: 1000,
      placeholder: '<T>',
    },
    periods: {
      kind: 'integer',
      description: 'timed periods of T steps per optimizer and round',
      default: defaults.periods,
      min: 1,
      max: 1000,
      placeholder: '<count>',
    },
    rounds: {
      kind: 'integer',
      description: 'interleaved rounds over the optimizers',
      default: defaults.rounds,
      min: 1,
      max: 100,
      placeholder: '<count>',
    },
    backend: {
      kind: 'choice',
      description: 'TensorFlow.js backend',
      choices: ['wasm', 'cpu'] as const,
      default: defaults.backend,
    },
    quick: {
      kind: 'flag',
      description: `small run for tests: batch ${quick.batch}, T = ${quick.period}, ${quick.rounds} round of ${quick.periods} period; overrides batch, period, periods, rounds; never writes`,
    },
    'no-write': { kind: 'flag', description: `do not write ${TFJS_STEP_RESULTS_FILE} or the README table` },
  },
  async run(options, context) {
    const { runTfjsStepBenchmark } = await import('./tfjs-step-benchmark.js');
    const settings: Partial<TfjsStepBenchmarkOptions> = {
      models: options.models,
      optimizers: options.optimizers,
      backend: options.backend,
      ...(options.quick
        ? { batch: quick.batch, period: quick.period, periods: quick.periods, rounds: quick.rounds }
        : { batch: options.batch, period: options.period, periods: options.periods, rounds: options.rounds }),
    };
    const result = await runTfjsStepBenchmark(settings, (line) => context.stderr(`  ${line}\n`));
    context.stdout(context.json ? toJson(result) : `\n${renderTfjsStepText(result)}`);
    if (!options['no-write'] && !options.quick) {
      const written = await writeTfjsStepResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
