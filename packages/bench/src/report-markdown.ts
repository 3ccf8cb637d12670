import { MODEL_DESCRIPTIONS } from './models-names.js';
import { summarize } from './report-summary.js';
import { summaryTable, targetsTable } from './report-tables.js';
import { checkTrainingTargets } from './report-targets.js';
import { renderMarkdownTable } from './table.js';
import type { ComparisonResult } from './train-comparison.js';
import { describeOptimizer } from './train-optimizers.js';
import type { ComparisonSettings } from './train-settings.js';

/** The `singd-bench train` command line that reproduces `settings`. */
export function reproduceCommand(settings: ComparisonSettings): string {
  const precision =
    settings.precisions.length === 2
      ? 'both'
      : settings.precisions.length === 1
        ? settings.precisions[0]!
        : 'both';
  return [
    'singd-bench train',
    `--dataset ${settings.dataset}`,
    `--model ${settings.model}`,
    `--optimizers ${settings.optimizers.join(',')}`,
    `--precision ${precision}`,
    `--epochs ${settings.epochs}`,
    `--batch-size ${settings.batchSize}`,
    `--train-size ${settings.trainSize}`,
    `--test-size ${settings.testSize}`,
    `--seeds ${settings.seeds.join(',')}`,
    `--data-seed ${settings.dataSeed}`,
    `--evaluations ${settings.evaluationsPerEpoch}`,
    `--backend ${settings.backend}`,
  ].join(' ');
}

/** What "bfloat16" means in these reports, in plain words. */
export const PRECISION_NOTE =
  'Precision is that of the optimizer, not of the model. "bfloat16" means the preconditioner ' +
  "state and arithmetic are emulated in bfloat16 (every stored result rounded to bfloat16, sums accumulated in float32): SINGD's K, m_K, C, m_C " +
  "and their updates, KFAC's Kronecker factors, Cholesky factors and solves. The model itself — weights, activations, gradients, " +
  "the loss — is float32 TensorFlow.js in every run, and momentum buffers keep the optimizer package's own precision (float64). " +
  'AdamW and SGD have no bfloat16 state option and run in float32 only.';

function dataLine(result: ComparisonResult): string {
  const s = result.settings;
  return (
    `${s.dataset} (${result.data.sourceCount.toLocaleString('en-US')} images in the package): ` +
    `${s.trainSize.toLocaleString('en-US')} for training and ${s.testSize.toLocaleString('en-US')} for testing, ` +
    `drawn by a seeded permutation (data seed ${s.dataSeed}); training class counts ${result.data.trainClassCounts.join(', ')}; ` +
    `test class counts ${result.data.testClassCounts.join(', ')}.`
  );
}

/**
 * The `report.md` of a comparison: date, machine, settings, the precision note,
 * hyper-parameters, the results table, the target checks, skipped combinations and failures, the
 * plots, and the command that reproduces the run.
 */
export function renderReportMarkdown(result: ComparisonResult, runId: string): string {
  const s = result.settings;
  const rows = summarize(result);
  const checks = checkTrainingTargets(result);
  const problems = result.runs.filter((r) => r.message !== undefined);
  const h = result.hyperParameters;
  const lines = [
    `# Training comparison ${runId}`,
    '',
    `- date: ${result.date}; the comparison took ${(result.totalMs / 1000).toFixed(1)} s (data loading ${(result.data.loadMs / 1000).toFixed(1)} s)`,
    `- machine: ${result.machine.cpuModel} (${result.machine.cpuCount} logical cores), ${result.machine.os}, Node ${result.machine.node}; TensorFlow.js backend \`${result.backend}\``,
    `- data: ${dataLine(result)}`,
    `- model: ${s.model} — ${MODEL_DESCRIPTIONS[s.model]}`,
    `- training: ${s.epochs} epoch(s) × ${result.data.stepsPerEpoch} steps of batch ${s.batchSize} (full batches, reshuffled every epoch); loss: sparse categorical cross-entropy; SINGD/KFAC curvature: empirical Fisher; ${s.evaluationsPerEpoch} test evaluation(s) per epoch; seeds ${s.seeds.join(', ')} (model initialisation and batch order)`,
    `- optimizers: ${s.optimizers.map((o) => `${o} (${describeOptimizer(o)})`).join('; ')}`,
    '',
    `**Precision.** ${PRECISION_NOTE}`,
    '',
    '**Hyper-parameters** (the same for every seed and precision):',
    '',
    `- SINGD family: lr ${h.singd.lr}, momentum ${h.singd.momentum}, weight decay ${h.singd.weightDecay}, damping ${h.singd.damping}, α1 ${h.singd.alpha1} (IKFAC: 0), lrCov ${h.singd.lrCov}, T ${h.singd.T}`,
    `- KFAC: lr ${h.kfac.lr}, momentum ${h.kfac.momentum}, weight decay ${h.kfac.weightDecay}, damping ${h.kfac.damping}, lrCov ${h.kfac.lrCov}, T ${h.kfac.T}`,
    `- AdamW: lr ${h.adamw.lr}, β = (0.9, 0.999), weight decay ${h.adamw.weightDecay}; SGD: lr ${h.sgd.lr}, momentum ${h.sgd.momentum}, weight decay ${h.sgd.weightDecay}`,
    '',
    '## Results',
    '',
    'Test accuracy and loss after the last step (mean over seeds); train loss: mean mini-batch loss of the last epoch; ',
    'train time excludes test evaluations; optimizer state: bytes of optimizer state reported by the Trainer ',
    "(`memoryReport().stateBytes`), and its ratio to AdamW's in this run.",
    '',
    renderMarkdownTable(summaryTable(rows)),
  ];
  if (result.skipped.length > 0) {
    lines.push(
      'Not run:',
      '',
      ...result.skipped.map((k) => `- ${k.optimizer} in ${k.precision}: ${k.reason}`),
      '',
    );
  }
  if (problems.length > 0) {
    lines.push(
      'Skipped steps and failures:',
      '',
      ...problems.map((r) => `- ${r.optimizer} ${r.precision} seed ${r.seed} (${r.status}): ${r.message}`),
      '',
    );
  }
  lines.push('## Targets', '', renderMarkdownTable(targetsTable(checks)));
  lines.push(
    '## Plots',
    '',
    'Solid lines: float32 optimizer state; dashed: bfloat16.',
    '',
    '![training loss against step](loss-vs-step.svg)',
    '![training loss against training time](loss-vs-time.svg)',
    '![test accuracy against step](accuracy-vs-step.svg)',
    '![test accuracy against training time](accuracy-vs-time.svg)',
    '![optimizer-state memory](memory.svg)',
    '',
    '## Reproduce',
    '',
    '```sh',
    reproduceCommand(s),
    '```',
    '',
    "Raw numbers (every step's loss, every evaluation, memory) are in `results.json`.",
    '',
  );
  return lines.join('\n');
}
