import { formatSignificant } from './format.js';
import { type HalfBenchmarkResult, REFERENCE_TASK, type TargetCheck } from './half-benchmark.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';

/** The name of the generated README section (`<!-- half-rounding:begin -->` … `end`). */
export const HALF_ROUNDING_SECTION = 'half-rounding';

/** One timing row per task: median time, throughput, and speed-up over the reference. */
export function halfTasksTable(result: HalfBenchmarkResult): Table {
  return {
    columns: [
      { header: 'task' },
      { header: 'library' },
      { header: 'timed call' },
      { header: 'median (ms)', align: 'right' },
      { header: 'M values/s', align: 'right' },
      { header: `× ${REFERENCE_TASK}`, align: 'right' },
    ],
    rows: result.tasks.map((task) => [
      task.name,
      task.library,
      task.call,
      formatSignificant(task.medianMs),
      task.megaValuesPerSecond.toFixed(1),
      `${task.speedupVsReference.toFixed(2)}×`,
    ]),
  };
}

function formatMeasured(target: TargetCheck): string {
  return target.metric === 'M values/s'
    ? `${target.measured.toFixed(1)} M values/s`
    : `${target.measured.toFixed(2)}×`;
}

/** One row per performance target: the requirement, the measured value, PASS or FAIL. */
export function halfTargetsTable(result: HalfBenchmarkResult): Table {
  return {
    columns: [{ header: 'target' }, { header: 'measured', align: 'right' }, { header: 'result' }],
    rows: result.targets.map((target) => [
      target.description,
      formatMeasured(target),
      target.pass ? 'PASS' : 'FAIL',
    ]),
  };
}

/** One sentence naming the machine, the date and the benchmark settings. */
export function describeHalfRun(result: HalfBenchmarkResult): string {
  const { machine, options } = result;
  return (
    `${options.length.toLocaleString('en-US')} float32 values per call (seed ${options.seed}); ` +
    `median over ≥ ${options.iterations} calls and ≥ ${options.time} ms per task (tinybench). ` +
    `${machine.cpuModel} (${machine.cpuCount} logical cores), ${machine.os}, Node ${machine.node}, ${result.date}.`
  );
}

/**
 * The Markdown body of the README's generated section: the run description, the timing
 * table and the target table. Pure: the same result gives the same text.
 */
export function renderHalfRoundingMarkdown(result: HalfBenchmarkResult): string {
  return [
    describeHalfRun(result),
    '',
    renderMarkdownTable(halfTasksTable(result)),
    renderMarkdownTable(halfTargetsTable(result)),
  ].join('\n');
}

/** The terminal report: cross-check summary, run description, timing and target tables. */
export function renderHalfRoundingText(result: HalfBenchmarkResult): string {
  return [
    `Cross-check: ${result.crossCheck.checks.length} comparisons agreed on all ${result.crossCheck.values} values.`,
    describeHalfRun(result),
    '',
    renderTextTable(halfTasksTable(result)),
    renderTextTable(halfTargetsTable(result)),
  ].join('\n');
}
