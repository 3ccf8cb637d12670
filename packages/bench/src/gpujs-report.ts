import { formatSignificant } from './format.js';
import {
  crossover,
  type GpujsBenchmarkResult,
  type GpujsMeasurement,
  type KernelName,
} from './gpujs-benchmark.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';

/** The README section the gpujs benchmark regenerates. */
export const GPUJS_KERNELS_SECTION = 'gpujs-kernels';

function find(result: GpujsBenchmarkResult, kernel: KernelName, size: number, backend: string) {
  return result.measurements.find((m) => m.kernel === kernel && m.size === size && m.backend === backend);
}

function timeCell(m: GpujsMeasurement | undefined, base: GpujsMeasurement | undefined): string {
  if (m === undefined) return '';
  if (m.medianMs === null) return 'skipped';
  const ms = formatSignificant(m.medianMs);
  if (base === undefined || base.medianMs === null || m.backend === 'cpu') return ms;
  return `${ms} (${formatSignificant(base.medianMs / m.medianMs, 2)}×)`;
}

function kernelsOf(result: GpujsBenchmarkResult): KernelName[] {
  return [...new Set(result.measurements.map((m) => m.kernel))];
}

/**
 * The timing table: per kernel and size, the median ms on each backend with the speed-up over
 * the cpu backend in parentheses (above 1× = faster than cpu), and the compile time of each
 * gpujs mode (first call − median) in separate columns.
 */
export function gpujsTimingTable(result: GpujsBenchmarkResult): Table {
  const gpujs = result.backends.filter((b) => b !== 'cpu');
  const columns = [
    { header: 'kernel' },
    { header: 'd', align: 'right' as const },
    ...result.backends.map((b) => ({ header: `${b} ms`, align: 'right' as const })),
    ...gpujs.map((b) => ({ header: `${b.replace('gpujs-', '')} compile ms`, align: 'right' as const })),
  ];
  const rows: string[][] = [];
  for (const kernel of kernelsOf(result)) {
    for (const d of result.options.sizes) {
      const base = find(result, kernel, d, 'cpu');
      rows.push([
        kernel,
        String(d),
        ...result.backends.map((b) => timeCell(find(result, kernel, d, b), base)),
        ...gpujs.map((b) => {
          const c = find(result, kernel, d, b)?.compileMs;
          return c === null || c === undefined ? '—' : formatSignificant(c);
        }),
      ]);
    }
  }
  return { columns, rows };
}

/** Per kernel and gpujs mode: the size from which the mode beats the cpu backend (`never` if it does not). */
export function gpujsCrossoverTable(result: GpujsBenchmarkResult): Table {
  const gpujs = result.backends.filter((b) => b !== 'cpu');
  return {
    columns: [
      { header: 'kernel' },
      ...gpujs.map((b) => ({ header: `${b} faster from d =`, align: 'right' as const })),
    ],
    rows: kernelsOf(result).map((kernel) => [
      kernel,
      ...gpujs.map((b) => {
        const d = crossover(result, kernel, b);
        return d === null ? 'never' : String(d);
      }),
    ]),
  };
}

function header(result: GpujsBenchmarkResult): string {
  const { machine, options } = result;
  return (
    `Measured ${result.date.slice(0, 10)} on ${machine.cpuModel} (${machine.cpuCount} cores), ${machine.os}, ` +
    `Node ${machine.node}; ${options.time} ms per task, at least 3 timed calls, each followed by a device ` +
    `sync; sizes predicted above ${options.maxCallMs} ms per call are skipped.\n`
  );
}

/** The README section: header line, timing table, crossover table. */
export function renderGpujsMarkdown(result: GpujsBenchmarkResult): string {
  return `${header(result)}\n${renderMarkdownTable(gpujsTimingTable(result))}\n${renderMarkdownTable(gpujsCrossoverTable(result))}`;
}

/** The same for a terminal. */
export function renderGpujsText(result: GpujsBenchmarkResult): string {
  return `${header(result)}\n${renderTextTable(gpujsTimingTable(result))}\n${renderTextTable(gpujsCrossoverTable(result))}`;
}
