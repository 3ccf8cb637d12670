import type { MemoryBenchmarkResult, MemoryRow } from './memory-benchmark.js';
import { formatRatio } from './ops-report.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';

/** The name of the generated README section (`<!-- memory:begin -->` … `end`). */
export const MEMORY_SECTION = 'memory';

function bytes(value: number): string {
  return value.toLocaleString('en-US');
}

function precisionText(row: MemoryRow): string {
  return row.precision ?? '— (none)';
}

/**
 * One row per optimizer and preconditioner precision: state bytes per layer and in total,
 * per parameter byte and relative to AdamW's state; the bytes actually allocated where they differ.
 */
export function memoryTable(result: MemoryBenchmarkResult): Table {
  const layerNames = result.layers.map((l) => l.name);
  return {
    columns: [
      { header: 'optimizer' },
      { header: 'preconditioner' },
      ...layerNames.map((name) => ({ header: `${name} state`, align: 'right' as const })),
      { header: 'total state bytes', align: 'right' },
      { header: 'of which preconditioner', align: 'right' },
      { header: 'state / params', align: 'right' },
      { header: 'state / AdamW state', align: 'right' },
    ],
    rows: result.rows.map((row) => {
      const preconditioner = row.layers.reduce((sum, l) => sum + l.preconditioner, 0);
      const allocated =
        row.allocatedBytes === row.stateBytes ? '' : ` (allocated: ${bytes(row.allocatedBytes)})`;
      return [
        row.label,
        precisionText(row),
        ...layerNames.map((name) => bytes(row.layers.find((l) => l.layer === name)?.state ?? 0)),
        `${bytes(row.stateBytes)}${allocated}`,
        bytes(preconditioner),
        formatRatio(row.stateToParameters),
        formatRatio(row.ratioToAdamW),
      ];
    }),
  };
}

/** One sentence naming the model, the parameter bytes, the machine and the date. */
export function describeMemoryRun(result: MemoryBenchmarkResult): string {
  const parameterBytes = result.rows[0]?.parameterBytes ?? 0;
  return (
    `${result.model}: ${bytes(result.parameterCount)} parameters, ${bytes(parameterBytes)} bytes as ${result.parameterDtype}. ` +
    'Every optimizer keeps a float64 buffer per parameter (SINGD, IKFAC, KFAC, SGD: momentum; AdamW: μ and ν), ' +
    'so only the preconditioner factors change with the preconditioner precision. ' +
    `Counted ${result.date} (Node ${result.machine.node}); nothing is timed.`
  );
}

/** Where the numbers come from, and the cross-check of SINGD's report against storageSize. */
export function memoryNotes(result: MemoryBenchmarkResult): string[] {
  const mismatched = result.rows.filter((r) => r.matchesStorageSize === false);
  return [
    '- SINGD and IKFAC (`kfacLike: true`, dense K and C, no momenta m_K, m_C): `Singd.memoryReport()` ' +
      '(K, C, m_K, m_C, momentum buffer); INGD is SINGD with dense K and C. ' +
      (mismatched.length === 0
        ? "Every row's factor bytes equal `storageSize(spec, d) × bytes(dtype)` for K (d = d_K) and C (d = d_C), × 2 with the momenta."
        : `MISMATCH with storageSize(spec, d) × bytes(dtype): ${mismatched.map((r) => `${r.label} ${r.precision}`).join(', ')}.`),
    '- KFAC (`KfacPreconditioner` of @singd/kron-curvature + a momentum buffer): S_K, S_C and their Cholesky factors, ' +
      '2(d_K² + d_C²) values counted at the bytes of its `dtype`; the implementation holds them (rounded to `dtype`) ' +
      'in Float64Arrays, which is the "allocated" figure.',
    '- AdamW (μ, ν) and SGD with momentum 0.9 (one buffer): the typed arrays of their `init(params)` state.',
  ];
}

function renderReport(result: MemoryBenchmarkResult, render: (table: Table) => string): string {
  return [describeMemoryRun(result), '', render(memoryTable(result)), ...memoryNotes(result), ''].join('\n');
}

/** The Markdown body of the README's `memory` section. Pure: the same result gives the same text. */
export function renderMemoryMarkdown(result: MemoryBenchmarkResult): string {
  return renderReport(result, renderMarkdownTable);
}

/** The terminal report: the same content as text tables. */
export function renderMemoryText(result: MemoryBenchmarkResult): string {
  return renderReport(result, renderTextTable);
}
