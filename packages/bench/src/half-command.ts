import { defineSubcommand } from './define-subcommand.js';
import {
  DEFAULT_HALF_BENCHMARK_OPTIONS,
  type HalfBenchmarkResult,
  runHalfBenchmark,
} from './half-benchmark.js';
import { HALF_ROUNDING_SECTION, renderHalfRoundingMarkdown, renderHalfRoundingText } from './half-report.js';
import { toJson } from './json.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';

/** Where `singd-bench half` writes its results, relative to `packages/bench`. */
export const HALF_RESULTS_FILE = 'results/half-rounding.json';

/**
 * Writes `result` to {@link HALF_RESULTS_FILE} and regenerates the `half-rounding` section of
 * the README, both under `root` (default: `packages/bench`). Returns the paths written.
 */
export async function writeHalfResults(result: HalfBenchmarkResult, root = packageRoot()): Promise<string[]> {
  return writeResultsAndReadme(
    root,
    HALF_RESULTS_FILE,
    result,
    HALF_ROUNDING_SECTION,
    renderHalfRoundingMarkdown(result),
  );
}

/**
 * `singd-bench half`: times bulk rounding of 2^20 float32 values to bfloat16 and float16
 * (ours against @petamoriken/float16, after a bit-exact cross-check), prints PASS/FAIL per
 * target, and writes the JSON results and the README table unless `--no-write`.
 */
export const halfCommand = defineSubcommand({
  name: 'half',
  summary: 'benchmark bulk float16 / bfloat16 rounding against @petamoriken/float16',
  description:
    `Rounds ${DEFAULT_HALF_BENCHMARK_OPTIONS.length.toLocaleString('en-US')} seeded float32 values (magnitudes 2^-20..2^20 plus specials) to bfloat16\n` +
    'and float16 with @singd/half (encode to bits, roundArray) and with @petamoriken/float16\n' +
    '(Float16Array#set, an f16round loop), after checking that all paths agree bit for bit.\n' +
    'Prints median time, M values/s, the speed-up over Float16Array#set, and PASS/FAIL per\n' +
    `target; writes ${HALF_RESULTS_FILE} and the table in packages/bench/README.md.`,
  options: {
    iterations: {
      kind: 'integer',
      description: 'minimum timed calls per task',
      default: DEFAULT_HALF_BENCHMARK_OPTIONS.iterations,
      min: 1,
      max: 1_000_000,
      placeholder: '<count>',
    },
    time: {
      kind: 'number',
      description: 'time budget per task in milliseconds',
      default: DEFAULT_HALF_BENCHMARK_OPTIONS.time,
      min: 0,
      max: 600_000,
      placeholder: '<ms>',
    },
    'no-write': { kind: 'flag', description: `do not write ${HALF_RESULTS_FILE} or the README table` },
  },
  async run(options, context) {
    const progress = (line: string) => context.stderr(`  ${line}\n`);
    const result = await runHalfBenchmark({ iterations: options.iterations, time: options.time }, progress);
    context.stdout(context.json ? toJson(result) : `\n${renderHalfRoundingText(result)}`);
    if (!options['no-write']) {
      const written = await writeHalfResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
