import { formatSignificant } from './format.js';
import type { SummaryRow } from './report-summary.js';
import { percent, type TrainingTargetCheck } from './report-targets.js';
import type { Table } from './table.js';

/** Bytes as KiB with 3 significant digits (`2,118 KiB` → `2118 KiB`). */
export function formatKiB(bytes: number): string {
  return Number.isFinite(bytes) ? `${formatSignificant(bytes / 1024, 4)} KiB` : '—';
}

function statusText(row: SummaryRow): string {
  if (row.status === 'ok') return 'ok';
  if (row.status === 'failed') return `FAILED (${row.skippedSteps} skipped)`;
  return `${row.skippedSteps} steps skipped`;
}

/**
 * The results table: one row per optimizer × precision (means over the seeds; with several
 * seeds the accuracy shows min–max too).
 */
export function summaryTable(rows: readonly SummaryRow[]): Table {
  return {
    columns: [
      { header: 'optimizer' },
      { header: 'state precision' },
      { header: 'test accuracy', align: 'right' },
      { header: 'test loss', align: 'right' },
      { header: 'train loss (last epoch)', align: 'right' },
      { header: 'train time (s)', align: 'right' },
      { header: 'ms/step', align: 'right' },
      { header: 'optimizer state', align: 'right' },
      { header: '× AdamW', align: 'right' },
      { header: 'status' },
    ],
    rows: rows.map((row) => [
      row.optimizer,
      row.precision,
      row.seeds.length > 1
        ? `${percent(row.accuracy.mean)} (${(row.accuracy.min * 100).toFixed(2)}–${(row.accuracy.max * 100).toFixed(2)})`
        : percent(row.accuracy.mean),
      formatSignificant(row.testLoss, 3),
      formatSignificant(row.trainLoss, 3),
      formatSignificant(row.trainSeconds, 3),
      formatSignificant(row.msPerStep, 3),
      formatKiB(row.stateBytes),
      Number.isFinite(row.stateVsAdamW) ? `${row.stateVsAdamW.toFixed(2)}×` : '—',
      statusText(row),
    ]),
  };
}

/** The target checks as a table: target, measured, PASS / FAIL / not run. */
export function targetsTable(checks: readonly TrainingTargetCheck[]): Table {
  return {
    columns: [{ header: 'target' }, { header: 'measured' }, { header: 'result' }],
    rows: checks.map((c) => [c.target, c.measured, c.verdict]),
  };
}
