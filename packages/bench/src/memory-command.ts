import { defineSubcommand } from './define-subcommand.js';
import { toJson } from './json.js';
import { type MemoryBenchmarkResult, runMemoryBenchmark } from './memory-benchmark.js';
import { MEMORY_SECTION, renderMemoryMarkdown, renderMemoryText } from './memory-report.js';
import { packageRoot } from './paths.js';
import { writeResultsAndReadme } from './results-files.js';
import { STEP_STRUCTURE_NAMES } from './step-structures.js';

/** Where `singd-bench memory` writes its results, relative to `packages/bench`. */
export const MEMORY_RESULTS_FILE = 'results/memory.json';

/**
 * Writes `result` to {@link MEMORY_RESULTS_FILE} and regenerates the `memory` section of the
 * README, both under `root` (default: `packages/bench`). Returns the paths written.
 */
export async function writeMemoryResults(
  result: MemoryBenchmarkResult,
  root = packageRoot(),
): Promise<string[]> {
  return writeResultsAndReadme(
    root,
    MEMORY_RESULTS_FILE,
    result,
    MEMORY_SECTION,
    renderMemoryMarkdown(result),
  );
}

/**
 * `singd-bench memory`: the optimizer-state bytes of the MLP 784-256-256-10 per optimizer
 * (SINGD per structure, IKFAC, KFAC, AdamW, SGD) and per preconditioner precision (float32,
 * bfloat16); writes the JSON results and the README table unless `--no-write`.
 */
export const memoryCommand = defineSubcommand({
  name: 'memory',
  summary: 'optimizer-state bytes per optimizer, structure and precision on the MLP 784-256-256-10',
  description:
    'Counts the optimizer-state bytes of the MLP 784-256-256-10 (float64 weights and biases) for\n' +
    'SINGD with K and C of each structure (dense = INGD), IKFAC and KFAC, each with float32 and\n' +
    'bfloat16 preconditioners, and for AdamW and SGD with momentum: per layer, in total, per\n' +
    "parameter byte and relative to AdamW's state. Read from the optimizers' own state\n" +
    `(memoryReport, state trees); nothing is timed. Writes ${MEMORY_RESULTS_FILE} and the table in\n` +
    'packages/bench/README.md.',
  options: {
    structures: {
      kind: 'choice-list',
      description: 'SINGD structures of K and C to count',
      choices: STEP_STRUCTURE_NAMES,
      default: STEP_STRUCTURE_NAMES,
      placeholder: '<kind,kind,…>',
    },
    'no-write': { kind: 'flag', description: `do not write ${MEMORY_RESULTS_FILE} or the README table` },
  },
  async run(options, context) {
    const structures = STEP_STRUCTURE_NAMES.filter((name) => options.structures.includes(name));
    const result = runMemoryBenchmark(undefined, structures);
    context.stdout(context.json ? toJson(result) : `\n${renderMemoryText(result)}`);
    if (!options['no-write']) {
      const written = await writeMemoryResults(result);
      context.stderr(`wrote ${written.join(' and ')}\n`);
    }
    return 0;
  },
});
