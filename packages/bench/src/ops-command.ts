import { defineSubcommand } from './define-subcommand.js';
import { toJson } from './json.js';
import { DEFAULT_OPS_BENCHMARK_OPTIONS, type OpsBenchmarkResult, runOpsBenchmark } from './ops-benchmark.js';
import {
  renderStructuredOpsMarkdown,
  renderStructuredOpsText,
  STRUCTURED_OPS_SECTION,
} from './ops-report.js';
import { OPS_STRUCTURE_NAMES } from './ops-structures.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';

/** Where `singd-bench ops` writes its results, relative to `packages/bench`. */
export const OPS_RESULTS_FILE = 'results/structured-ops.json';

/**
 * Writes `result` to {@link OPS_RESULTS_FILE} and regenerates the `structured-ops` section of
 * the README, both under `root` (default: `packages/bench`). Returns the paths written.
 */
export async function writeOpsResults(result: OpsBenchmarkResult, root = packageRoot()): Promise<string[]> {
  return writeResultsAndReadme(
    root,
    OPS_RESULTS_FILE,
    result,
    STRUCTURED_OPS_SECTION,
    renderStructuredOpsMarkdown(result),
  );
}

const defaults = DEFAULT_OPS_BENCHMARK_OPTIONS;

/**
 * `singd-bench ops`: times `S.fromInner(X)` and `S·X` for every structure at several d with
 * dense as the baseline, checks bytes per matrix against spec §3.3 and dense gemm against a
 * naive loop, prints PASS/FAIL per target, and writes the JSON results and the README tables
 * unless `--no-write`.
 */
export const opsCommand = defineSubcommand({
  name: 'ops',
  summary: 'benchmark structured-matrix fromInner(X) and S·X against dense',
  description:
    `Times S.fromInner(X) and S.matmul(X) (float32, cpu backend) for each structure with X of\n` +
    `size d × ${defaults.columns} at d = ${defaults.sizes.join(', ')}, with dense as the baseline in the same\n` +
    `run (dense and lower/upper-triangular, O(d²·n), only up to d = ${defaults.quadraticMaxSize}), in ${defaults.rounds} interleaved\n` +
    'rounds. Checks bytes per matrix against spec §3.3 and storageSize, and dense matmul\n' +
    `against a naive i-k-j loop at n = ${defaults.gemmSize}. Prints median times, dense ratios, growth per\n` +
    `doubling and PASS/FAIL per target; writes ${OPS_RESULTS_FILE} and the tables in\n` +
    'packages/bench/README.md.',
  options: {
    sizes: {
      kind: 'integer-list',
      description: 'matrix orders d to time',
      default: defaults.sizes,
      min: 1,
      max: 16384,
      placeholder: '<d,d,…>',
    },
    structures: {
      kind: 'choice-list',
      description: 'structures to time (dense is the baseline of every ratio)',
      choices: OPS_STRUCTURE_NAMES,
      default: defaults.structures,
      placeholder: '<kind,kind,…>',
    },
    columns: {
      kind: 'integer',
      description: 'columns n of X',
      default: defaults.columns,
      min: 1,
      max: 4096,
      placeholder: '<n>',
    },
    'quadratic-max-size': {
      kind: 'integer',
      description: 'time dense and lower/upper-triangular (O(d²·n)) only up to this d',
      default: defaults.quadraticMaxSize,
      min: 1,
      max: 16384,
      placeholder: '<d>',
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
      description: 'interleaved rounds over all tasks (the median pools their samples)',
      default: defaults.rounds,
      min: 1,
      max: 100,
      placeholder: '<count>',
    },
    'no-write': { kind: 'flag', description: `do not write ${OPS_RESULTS_FILE} or the README tables` },
  },
  async run(options, context) {
    const progress = (line: string) => context.stderr(`  ${line}\n`);
    const result = await runOpsBenchmark(
      {
        sizes: options.sizes,
        structures: options.structures,
        columns: options.columns,
        quadraticMaxSize: options['quadratic-max-size'],
        time: options.time,
        rounds: options.rounds,
      },
      progress,
    );
    context.stdout(context.json ? toJson(result) : `\n${renderStructuredOpsText(result)}`);
    if (!options['no-write']) {
      const written = await writeOpsResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
