import { formatSignificant } from './format.js';
import { formatRatio, formatVerdict } from './ops-report.js';
import type { StepBenchmarkResult } from './step-benchmark.js';
import { stepStructure } from './step-structures.js';
import { STEP_TARGETS, type StepGrowthQuantity, type StepTarget } from './step-targets.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';

/** The name of the generated README section (`<!-- step:begin -->` … `end`). */
export const STEP_SECTION = 'step';

function ms(value: number): string {
  return formatSignificant(value);
}

function bytes(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The main table: per d, AdamW's row then one row per structure with the median update and
 * non-update step (and their ratio to AdamW's step), the capture part, the update-only work,
 * the samples, and the state bytes (per parameter byte and relative to AdamW's state).
 */
export function stepTimesTable(result: StepBenchmarkResult): Table {
  const rows: string[][] = [];
  for (const adam of result.adamw) {
    rows.push([
      'AdamW',
      String(adam.d),
      ms(adam.step.medianMs),
      '1.00×',
      '—',
      '—',
      '—',
      '—',
      String(adam.step.samples),
      bytes(adam.stateBytes),
      formatRatio(adam.stateToParameters),
      '1.00×',
    ]);
    for (const row of result.singd.filter((r) => r.d === adam.d)) {
      rows.push([
        `SINGD ${row.label}`,
        String(row.d),
        ms(row.update.medianMs),
        formatRatio(row.updateToAdamW),
        ms(row.nonUpdate.medianMs),
        formatRatio(row.nonUpdateToAdamW),
        ms(row.capture.medianMs),
        row.preconditionerUpdate === null ? 'not timed' : ms(row.preconditionerUpdate.medianMs),
        `${row.update.samples} + ${row.nonUpdate.samples}${row.warmedUp ? '' : ' (no warm-up)'}`,
        bytes(row.memory.stateBytes),
        formatRatio(row.memory.stateToParameters),
        formatRatio(row.memory.ratioToAdamW),
      ]);
    }
  }
  return {
    columns: [
      { header: 'optimizer' },
      { header: 'd', align: 'right' },
      { header: 'update step (ms)', align: 'right' },
      { header: '× AdamW', align: 'right' },
      { header: 'non-update step (ms)', align: 'right' },
      { header: '× AdamW', align: 'right' },
      { header: 'capture (ms)', align: 'right' },
      { header: 'capture + precond. update (ms)', align: 'right' },
      { header: 'samples', align: 'right' },
      { header: 'state bytes', align: 'right' },
      { header: 'state / params', align: 'right' },
      { header: 'state / AdamW state', align: 'right' },
    ],
    rows,
  };
}

const QUANTITY_LABELS: Record<StepGrowthQuantity, string> = {
  adamw: 'step',
  update: 'update step',
  'non-update': 'non-update step',
  'preconditioner-update': 'capture + precond. update',
};

/** Growth from the smallest to the largest d of every timed quantity, with what linear and quadratic growth would be. */
export function stepGrowthTable(result: StepBenchmarkResult): Table {
  return {
    columns: [
      { header: 'optimizer' },
      { header: 'timed' },
      { header: 'sizes' },
      { header: 'growth', align: 'right' },
      { header: 'per doubling of d', align: 'right' },
      { header: 'linear / quadratic would be', align: 'right' },
    ],
    rows: result.growth.map((g) => [
      g.structure === 'adamw' ? 'AdamW' : `SINGD ${stepStructure(g.structure).label}`,
      QUANTITY_LABELS[g.quantity],
      `${g.from} → ${g.to}`,
      formatRatio(g.ratio),
      formatRatio(g.perDoubling),
      `${formatRatio(g.linearRatio)} / ${formatRatio(g.linearRatio ** 2)}`,
    ]),
  };
}

/** The targets with the measured value, where it comes from, and PASS/FAIL. */
export function stepTargetsTable(result: StepBenchmarkResult): Table {
  return {
    columns: [
      { header: 'target' },
      { header: 'measured', align: 'right' },
      { header: 'detail' },
      { header: 'result' },
    ],
    rows: result.targets.map((t) => [
      t.description,
      formatRatio(t.measured),
      t.detail,
      formatVerdict(t.pass),
    ]),
  };
}

/** `3 PASS, 1 FAIL` (and the count of targets not measured). */
export function summarizeStepTargets(targets: readonly StepTarget[]): string {
  const passed = targets.filter((t) => t.pass === true).length;
  const failed = targets.filter((t) => t.pass === false).length;
  const missing = targets.filter((t) => t.pass === null).length;
  return `${passed} PASS, ${failed} FAIL${missing > 0 ? `, ${missing} n/a (not measured in this run)` : ''}`;
}

/** One paragraph naming the setting, the timing method, the machine and the date. */
export function describeStepRun(result: StepBenchmarkResult): string {
  const { options: o, machine, setting } = result;
  const slow = o.structures.filter((n) => ['lower-triangular', 'upper-triangular'].includes(n));
  const slowSizes = o.sizes.filter((d) => d >= o.slowFrom);
  const slowNote =
    slow.length > 0 && slowSizes.length > 0
      ? ` Lower/upper-triangular at d ≥ ${o.slowFrom} (O(d³) steps): ${o.slowSamples} timed run(s) of T steps, no warm-up, and their capture + precond. update alone is not timed there (tens of seconds per call).`
      : '';
  return (
    `${setting.layer}; float32 K and C (${setting.preconditionerDtype}), ${setting.parameterDtype} weights; SINGD: ${setting.singd}; ` +
    `AdamW (\`adamw\` of @singd/singd, \`update\` + \`applyUpdates\`): ${setting.adamw}. ` +
    `Median over ≥ ${o.minSamples} timed units and ≥ ${o.time} ms per task after a warm-up, over ${o.rounds} interleaved round(s) ` +
    `(a SINGD unit is T = ${o.period} steps from an update step: capture() + step(), then step()); AdamW and the SINGD steps of one d ` +
    `are interleaved, and the capture + precond. update tasks of all d are interleaved with each other in a later phase.${slowNote} ` +
    `${machine.cpuModel} (${machine.cpuCount} logical cores), ${machine.os}, Node ${machine.node}, ${result.date}; ` +
    `the run took ${Math.round(result.elapsedSeconds)} s. The machine was shared with other jobs, so absolute times are noisy; ` +
    'the ratios compare tasks measured in the same run, interleaved.'
  );
}

/** Notes on what the growth target compares, and why. */
export function stepNotes(): string[] {
  const { growthPerDoublingMax } = STEP_TARGETS;
  return [
    "- Every step, AdamW's included, reads and writes all d² weights, so whole-step times grow ~16× for 4× d. " +
      'What a SINGD update step adds over a non-update step is the capture and the preconditioner update ' +
      '(spec §2.5.C and E1: Π(KᵀÃᵀÃK), Π(KᵀK), K·m_K and the same for C), which for block-diagonal and hierarchical ' +
      'structures costs O(d) per factor (O(N·d·B) and O(d·B²)). That part is timed on its own (column ' +
      '"capture + precond. update": `processLinearCapture`, `accumulateCapture`, `updatePreconditioner` of @singd/singd, ' +
      'the functions `Singd` runs on update steps) and held to the linear-growth target: ≤ ' +
      `${growthPerDoublingMax}× per doubling of d (linear is 2×, i.e. 4× for 4× d; quadratic would be 16×). ` +
      'Subtracting the two step medians instead would bury it in the noise of the O(d²) natural gradient.',
    "- State bytes come from `Singd.memoryReport()` (K, C, m_K, m_C, momentum buffer); AdamW's are counted from its state " +
      'tree (μ and ν, float64 like the weights): 2× the parameter bytes.',
  ];
}

function renderReport(result: StepBenchmarkResult, render: (table: Table) => string): string {
  const failed = result.targets.filter((t) => t.pass === false);
  return [
    describeStepRun(result),
    '',
    render(stepTimesTable(result)),
    'Growth from the smallest to the largest d:',
    '',
    render(stepGrowthTable(result)),
    `Targets: ${summarizeStepTargets(result.targets)}.`,
    ...(failed.length > 0
      ? [
          '',
          ...failed.map((t) => `- FAIL: ${t.description}: measured ${formatRatio(t.measured)} (${t.detail})`),
        ]
      : []),
    '',
    render(stepTargetsTable(result)),
    ...stepNotes(),
    '',
  ].join('\n');
}

/** The Markdown body of the README's `step` section. Pure: the same result gives the same text. */
export function renderStepMarkdown(result: StepBenchmarkResult): string {
  return renderReport(result, renderMarkdownTable);
}

/** The terminal report: the same content as text tables. */
export function renderStepText(result: StepBenchmarkResult): string {
  return renderReport(result, renderTextTable);
}
