import { KERNEL_NAMES } from '@singd/structured-matrix';
import { availableGpujsModes, GPUJS_MODES } from '@singd/structured-matrix/backend-gpujs';
import { defineSubcommand } from './define-subcommand.js';
import {
  DEFAULT_GPUJS_BENCHMARK_OPTIONS,
  type GpujsBenchmarkResult,
  runGpujsBenchmark,
} from './gpujs-benchmark.js';
import { GPUJS_KERNELS_SECTION, renderGpujsMarkdown, renderGpujsText } from './gpujs-report.js';
import { toJson } from './json.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';

/** Where `singd-bench gpujs` writes its results, relative to `packages/bench`. */
export const GPUJS_RESULTS_FILE = 'results/gpujs-kernels.json';

/** Writes `result` to {@link GPUJS_RESULTS_FILE} and regenerates the README section. Returns the paths written. */
export async function writeGpujsResults(
  result: GpujsBenchmarkResult,
  root = packageRoot(),
): Promise<string[]> {
  return writeResultsAndReadme(
    root,
    GPUJS_RESULTS_FILE,
    result,
    GPUJS_KERNELS_SECTION,
    renderGpujsMarkdown(result),
  );
}

const defaults = DEFAULT_GPUJS_BENCHMARK_OPTIONS;

/**
 * `singd-bench gpujs`: every structured-matrix kernel on the cpu backend against the gpujs
 * backend in each available gpu.js mode, at d = 256 … 2048, compile time reported separately;
 * writes the JSON results and the README tables unless `--no-write`.
 */
export const gpujsCommand = defineSubcommand({
  name: 'gpujs',
  summary: 'benchmark every structured-matrix kernel, cpu backend vs gpujs modes',
  description:
    'Times every kernel of the structured-matrix registry (float32, d×d operands) on the cpu\n' +
    'backend and on the gpujs backend in each gpu.js mode (headlessgl needs xvfb-run), with the\n' +
    'compile time (first call − median) apart. Prints medians, speed-ups over cpu and the\n' +
    `crossover size per kernel; writes ${GPUJS_RESULTS_FILE} and the tables in packages/bench/README.md.`,
  options: {
    sizes: {
      kind: 'integer-list',
      description: 'matrix orders d',
      default: defaults.sizes,
      min: 1,
      max: 4096,
      placeholder: '<d,d,…>',
    },
    modes: {
      kind: 'choice-list',
      description: `gpu.js modes (available here: ${availableGpujsModes().join(', ')})`,
      choices: GPUJS_MODES,
      default: defaults.modes,
      placeholder: '<mode,mode,…>',
    },
    kernels: {
      kind: 'choice-list',
      description: 'kernels to time',
      choices: KERNEL_NAMES,
      default: defaults.kernels,
      placeholder: '<kernel,kernel,…>',
    },
    time: {
      kind: 'number',
      description: 'time budget per task in milliseconds',
      default: defaults.time,
      min: 0,
      max: 600_000,
      placeholder: '<ms>',
    },
    'max-call-ms': {
      kind: 'number',
      description: 'skip a size whose predicted single call exceeds this (ms)',
      default: defaults.maxCallMs,
      min: 1,
      max: 3_600_000,
      placeholder: '<ms>',
    },
    'no-write': { kind: 'flag', description: `do not write ${GPUJS_RESULTS_FILE} or the README tables` },
  },
  async run(options, context) {
    const result = runGpujsBenchmark(
      {
        sizes: options.sizes,
        modes: options.modes,
        kernels: options.kernels,
        time: options.time,
        maxCallMs: options['max-call-ms'],
      },
      (line) => context.stderr(`  ${line}\n`),
    );
    context.stdout(context.json ? toJson(result) : `\n${renderGpujsText(result)}`);
    if (!options['no-write']) {
      const written = await writeGpujsResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
