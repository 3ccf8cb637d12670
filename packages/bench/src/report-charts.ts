import { summarize } from './report-summary.js';
import { formatKiB } from './report-tables.js';
import { renderBarChart } from './svg-bar-chart.js';
import { type LineSeries, renderLineChart } from './svg-line-chart.js';
import type { ComparisonResult } from './train-comparison.js';
import { OPTIMIZER_NAMES, type OptimizerName, type Precision } from './train-optimizers.js';
import type { RunResult } from './train-run.js';

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#843c39',
];

/** The colour of optimizer `name` in every chart (stable across reports). */
export function optimizerColor(name: OptimizerName): string {
  return PALETTE[OPTIMIZER_NAMES.indexOf(name) % PALETTE.length]!;
}

/** The SVG files of a report: file name → SVG text. */
export type ReportCharts = Readonly<Record<string, string>>;

/** Pointwise mean over `lists` of equal-length number lists (shorter lists end early). */
function meanOf(lists: readonly (readonly number[])[]): number[] {
  const length = Math.min(...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => lists.reduce((sum, l) => sum + l[i]!, 0) / lists.length);
}

/**
 * `values` averaged over consecutive windows of `window` entries (NaN/±∞ entries left out of
 * the mean; a window with none finite gives NaN). Returns one value per window.
 */
export function windowMeans(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += window) {
    const finite = values.slice(start, start + window).filter(Number.isFinite);
    out.push(finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length);
  }
  return out;
}

interface Group {
  readonly optimizer: OptimizerName;
  readonly precision: Precision;
  readonly runs: readonly RunResult[];
}

function groups(result: ComparisonResult): Group[] {
  const out: Group[] = [];
  for (const optimizer of result.settings.optimizers) {
    for (const precision of result.settings.precisions) {
      const runs = result.runs.filter((r) => r.optimizer === optimizer && r.precision === precision);
      if (runs.length > 0) out.push({ optimizer, precision, runs });
    }
  }
  return out;
}

function seriesName(group: Group): string {
  return `${group.optimizer} ${group.precision}`;
}

function lossSeries(group: Group, axis: 'step' | 'time', window: number): LineSeries {
  const losses = meanOf(
    group.runs.map((r) =>
      windowMeans(
        r.trainLoss.map((p) => p.loss),
        window,
      ),
    ),
  );
  const xs = meanOf(
    group.runs.map((r) =>
      windowMeans(
        r.trainLoss.map((p) => (axis === 'step' ? p.step : p.wallMs / 1000)),
        window,
      ),
    ),
  );
  return {
    name: seriesName(group),
    points: losses.map((loss, i) => [xs[i]!, loss] as const),
    color: optimizerColor(group.optimizer),
    dashed: group.precision === 'bfloat16',
  };
}

function accuracySeries(group: Group, axis: 'step' | 'time'): LineSeries {
  const evaluations = group.runs.map((r) => r.evaluations.filter((e) => e.step > 0));
  const accuracy = meanOf(evaluations.map((list) => list.map((e) => e.testAccuracy * 100)));
  const xs = meanOf(evaluations.map((list) => list.map((e) => (axis === 'step' ? e.step : e.wallMs / 1000))));
  return {
    name: seriesName(group),
    points: accuracy.map((a, i) => [xs[i]!, a] as const),
    color: optimizerColor(group.optimizer),
    dashed: group.precision === 'bfloat16',
  };
}

/**
 * The report's plots: training loss (mean per window of ~1/50 of the run, averaged over the
 * seeds) and test accuracy against step and against training wall time, and the optimizer-state
 * memory as bars. Solid lines: float32 optimizer state; dashed: bfloat16.
 */
export function reportCharts(result: ComparisonResult): ReportCharts {
  const all = groups(result);
  const steps = Math.max(1, ...result.runs.map((r) => r.trainLoss.length));
  const window = Math.max(1, Math.round(steps / 50));
  const setting = `${result.settings.model} on ${result.settings.dataset}`;
  const lossChart = (axis: 'step' | 'time') =>
    renderLineChart({
      title: `Training loss, ${setting}`,
      xLabel: axis === 'step' ? 'step' : 'training time (s)',
      yLabel: `mini-batch loss (mean of ${window} step${window === 1 ? '' : 's'})`,
      yScale: 'log',
      series: all.map((g) => lossSeries(g, axis, window)),
    });
  const accuracyChart = (axis: 'step' | 'time') =>
    renderLineChart({
      title: `Test accuracy, ${setting}`,
      xLabel: axis === 'step' ? 'step' : 'training time (s)',
      yLabel: 'test accuracy (%)',
      series: all.map((g) => accuracySeries(g, axis)),
    });
  const rows = summarize(result);
  const memory = renderBarChart({
    title: `Optimizer state, ${setting}`,
    xLabel: 'bytes of optimizer state (as reported by the Trainer)',
    bars: rows.map((row) => ({
      label: `${row.optimizer} ${row.precision}`,
      value: row.stateBytes,
      valueLabel: `${formatKiB(row.stateBytes)}${Number.isFinite(row.stateVsAdamW) ? ` (${row.stateVsAdamW.toFixed(2)}× AdamW)` : ''}`,
      color: optimizerColor(row.optimizer),
    })),
  });
  return {
    'loss-vs-step.svg': lossChart('step'),
    'loss-vs-time.svg': lossChart('time'),
    'accuracy-vs-step.svg': accuracyChart('step'),
    'accuracy-vs-time.svg': accuracyChart('time'),
    'memory.svg': memory,
  };
}
