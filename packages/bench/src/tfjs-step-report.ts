import { formatSignificant } from './format.js';
import { formatRatio, formatVerdict } from './ops-report.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';
import { TFJS_STEP_TARGET_MAX, type TfjsStepBenchmarkResult } from './tfjs-step-options.js';

/** The name of the generated README section (`<!-- tfjs-step:begin -->` … `end`). */
export const TFJS_STEP_SECTION = 'tfjs-step';

/** One row per model and optimizer: mean ms per step, × Adam, medians of update / other steps, target verdict. */
export function tfjsStepTable(result: TfjsStepBenchmarkResult): Table {
  return {
    columns: [
      { header: 'model' },
      { header: 'optimizer' },
      { header: 'step (ms): median of T-step means', align: 'right' },
      { header: '× Adam', align: 'right' },
      { header: 'mean over all steps (ms)', align: 'right' },
      { header: '× Adam (mean)', align: 'right' },
      { header: 'update step median (ms)', align: 'right' },
      { header: 'other steps median (ms)', align: 'right' },
      { header: 'timed steps', align: 'right' },
      { header: `target ≤ ${TFJS_STEP_TARGET_MAX}×` },
    ],
    rows: result.rows.map((row) => {
      const target = result.targets.find((t) => t.model === row.model && t.optimizer === row.optimizer);
      return [
        row.model.toUpperCase(),
        row.label,
        formatSignificant(row.periodMedianMs),
        formatRatio(row.ratioToAdam),
        formatSignificant(row.meanMs),
        formatRatio(row.meanRatioToAdam),
        row.updateMedianMs === null ? '—' : formatSignificant(row.updateMedianMs),
        formatSignificant(row.nonUpdateMedianMs),
        String(row.steps),
        target === undefined
          ? row.optimizer === 'adam'
            ? 'baseline'
            : 'reported'
          : formatVerdict(target.pass),
      ];
    }),
  };
}

/** One paragraph naming the setting, the models, the machine and the date. */
export function describeTfjsStepRun(result: TfjsStepBenchmarkResult): string {
  const { options: o, machine } = result;
  const models = result.models
    .map((m) => `${m.description} (${m.parameters.toLocaleString('en-US')} parameters)`)
    .join('; ');
  return (
    `TensorFlow.js ${result.tfjsVersion}, backend '${result.backend}'` +
    (result.addedKernels.length > 0
      ? ` (tfjs-backend-wasm ${result.tfjsVersion} has no Conv2DBackpropFilter kernel, needed to train any Conv2D layer; the benchmark registers one built from the wasm Conv2D kernel: the input-transposed convolution with the output gradient as filter, checked against the cpu backend in test/tfjs-step-wasm-conv2d.test.ts)`
      : '') +
    `. Models: ${models}. ${result.setting}. ` +
    `After one warm-up period of ${o.period} steps each, ${o.rounds * o.periods} timed periods of T = ${o.period} steps per optimizer, interleaved period by period; ` +
    `the step time is the median over the periods of each period's mean step time (each averaged over T steps: update and non-update steps in their real proportion), ` +
    `next to the plain mean over all ${o.rounds * o.periods * o.period} timed steps. ${machine.cpuModel} (${machine.cpuCount} logical cores), ` +
    `${machine.os}, Node ${machine.node}, ${result.date}; the run took ${Math.round(result.elapsedSeconds)} s. ` +
    'The machine was shared with other jobs, so absolute times are noisy; the ratios compare optimizers measured in the same run, interleaved.'
  );
}

function renderReport(result: TfjsStepBenchmarkResult, render: (table: Table) => string): string {
  const passed = result.targets.filter((t) => t.pass).length;
  const failed = result.targets.length - passed;
  return [
    describeTfjsStepRun(result),
    '',
    render(tfjsStepTable(result)),
    `Targets (SINGD diagonal, block-diagonal, hierarchical ≤ ${TFJS_STEP_TARGET_MAX}× Adam's step time (median of T-step means); dense SINGD and KFAC reported): ${passed} PASS, ${failed} FAIL.`,
    '',
  ].join('\n');
}

/** The Markdown body of the README's `tfjs-step` section. Pure. */
export function renderTfjsStepMarkdown(result: TfjsStepBenchmarkResult): string {
  return renderReport(result, renderMarkdownTable);
}

/** The terminal report: the same content as text tables. */
export function renderTfjsStepText(result: TfjsStepBenchmarkResult): string {
  return renderReport(result, renderTextTable);
}
