import { defineSubcommand } from './define-subcommand.js';
import { toJson } from './json.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';
import {
  DEFAULT_STEP_BENCHMARK_OPTIONS,
  QUICK_STEP_BENCHMARK_OPTIONS,
  runStepBenchmark,
  type StepBenchmarkOptions,
  type StepBenchmarkResult,
} from './step-benchmark.js';
import { renderStepMarkdown, renderStepText, STEP_SECTION } from './step-report.js';
import { STEP_STRUCTURE_NAMES } from './step-structures.js';

/** Where `singd-bench step` writes its results, relative to `packages/bench`. */
export const STEP_RESULTS_FILE = 'results/step.json';

/**
 * Writes `result` to {@link STEP_RESULTS_FILE} and regenerates the `step` section of the
 * README, both under `root` (default: `packages/bench`). Returns the paths written.
 */
export async function writeStepResults(result: StepBenchmarkResult, root = packageRoot()): Promise<string[]> {
  return writeResultsAndReadme(root, STEP_RESULTS_FILE, result, STEP_SECTION, renderStepMarkdown(result));
}

const defaults = DEFAULT_STEP_BENCHMARK_OPTIONS;
const quick = QUICK_STEP_BENCHMARK_OPTIONS;

/**
 * `singd-bench step`: times one SINGD step per structure (update and non-update steps
 * separately) against AdamW's step in the same run, reports state bytes, checks the targets
 * of issue 5 item 8 (PASS/FAIL), and writes the JSON results and the README table unless
 * `--no-write` (always skipped with `--quick`).
 */
export const stepCommand = defineSubcommand({
  name: 'step',
  summary: 'time one SINGD optimizer step per structure against AdamW, and its state bytes',
  description:
    `Times one optimizer step on a Linear layer d → d (no bias) at d = ${defaults.sizes.join(', ')} with\n` +
    `batch ${defaults.batch}: SINGD with float32 K, C of each structure — update steps (t mod T = 0:\n` +
    'capture() + step()) and non-update steps (step()) separately — and AdamW (adamw of\n' +
    '@singd/singd) on the same weights in the same run, interleaved; medians and ratios to\n' +
    'AdamW. Also times the update-only work (capture + preconditioner update) on its own, reports\n' +
    'state bytes (memoryReport) against AdamW state, and checks the targets: diagonal non-update\n' +
    'step ≤ 2× AdamW, diagonal state ≤ 0.55× AdamW, block-diagonal and hierarchical update work\n' +
    `linear in d. Writes ${STEP_RESULTS_FILE} and the table in packages/bench/README.md.`,
  options: {
    sizes: {
      kind: 'integer-list',
      description: 'layer sizes d (W is d × d)',
      default: defaults.sizes,
      min: 8,
      max: 8192,
      placeholder: '<d,d,…>',
    },
    structures: {
      kind: 'choice-list',
      description: 'SINGD structures of K and C to time',
      choices: STEP_STRUCTURE_NAMES,
      default: defaults.structures,
      placeholder: '<kind,kind,…>',
    },
    batch: {
      kind: 'integer',
      description: 'batch size N of the captures',
      default: defaults.batch,
      min: 1,
      max: 65536,
      placeholder: '<N>',
    },
    period: {
      kind: 'integer',
      description: 'preconditioner update period T (T − 1 non-update steps per update step)',
      default: defaults.period,
      min: 2,
      max: 100,
      placeholder: '<T>',
    },
    time: {
      kind: 'number',
      description: 'time budget per task in milliseconds (all rounds together)',
      default: defaults.time,
      min: 0,
      max: 600_000,
      placeholder: '<ms>',
    },
    rounds: {
      kind: 'integer',
      description: 'interleaved rounds over the tasks of one d',
      default: defaults.rounds,
      min: 1,
      max: 100,
      placeholder: '<count>',
    },
    'min-samples': {
      kind: 'integer',
      description: 'timed units per task at least (AdamW: a step; SINGD: T steps)',
      default: defaults.minSamples,
      min: 1,
      max: 10_000,
      placeholder: '<count>',
    },
    'slow-from': {
      kind: 'integer',
      description: 'from this d on, lower/upper-triangular get --slow-samples units and no warm-up',
      default: defaults.slowFrom,
      min: 1,
      max: 1_000_000,
      placeholder: '<d>',
    },
    'slow-samples': {
      kind: 'integer',
      description: 'timed units of lower/upper-triangular from --slow-from on',
      default: defaults.slowSamples,
      min: 1,
      max: 100,
      placeholder: '<count>',
    },
    quick: {
      kind: 'flag',
      description: `small run for tests: d = ${quick.sizes.join(', ')}, batch ${quick.batch}, ${quick.rounds} round, ${quick.time} ms per task; overrides the size and timing options; never writes`,
    },
    'no-write': { kind: 'flag', description: `do not write ${STEP_RESULTS_FILE} or the README table` },
  },
  async run(options, context) {
    const progress = (line: string) => context.stderr(`  ${line}\n`);
    const settings: Partial<StepBenchmarkOptions> = options.quick
      ? { ...quick, structures: options.structures, period: options.period }
      : {
          sizes: options.sizes,
          structures: options.structures,
          batch: options.batch,
          period: options.period,
          time: options.time,
          rounds: options.rounds,
          minSamples: options['min-samples'],
          slowFrom: options['slow-from'],
          slowSamples: options['slow-samples'],
        };
    const result = await runStepBenchmark(settings, progress);
    context.stdout(context.json ? toJson(result) : `\n${renderStepText(result)}`);
    if (!options['no-write'] && !options.quick) {
      const written = await writeStepResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
