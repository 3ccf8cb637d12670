import type { ComparisonResult } from './train-comparison.js';
import type { OptimizerName, Precision } from './train-optimizers.js';
import type { RunResult, RunStatus } from './train-run.js';

/** The runs of one optimizer at one precision, over all seeds. */
export interface SummaryRow {
  readonly optimizer: OptimizerName;
  readonly precision: Precision;
  readonly seeds: readonly number[];
  /** Mean, min and max final test accuracy over the seeds, in [0, 1]. */
  readonly accuracy: { readonly mean: number; readonly min: number; readonly max: number };
  readonly testLoss: number;
  /** Mean of the runs' last-epoch mean mini-batch loss. */
  readonly trainLoss: number;
  /** Mean training seconds per run. */
  readonly trainSeconds: number;
  /** Mean training milliseconds per step. */
  readonly msPerStep: number;
  /** Optimizer-state bytes reported by the Trainer (the same for every seed). */
  readonly stateBytes: number;
  /** `stateBytes` ÷ AdamW's measured state bytes in the same comparison, or NaN without an AdamW run. */
  readonly stateVsAdamW: number;
  /** The worst status over the seeds (failed > skipped-steps > ok). */
  readonly status: RunStatus;
  /** Skipped steps summed over the seeds. */
  readonly skippedSteps: number;
  /** The first failure or skip message, if any. */
  readonly message?: string;
}

const STATUS_RANK: Readonly<Record<RunStatus, number>> = { ok: 0, 'skipped-steps': 1, failed: 2 };

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** AdamW's optimizer-state bytes in `result` (float32 run), or NaN when AdamW did not run. */
export function adamwStateBytes(result: ComparisonResult): number {
  return result.runs.find((r) => r.optimizer === 'adamw')?.memory.stateBytes ?? Number.NaN;
}

/**
 * One row per optimizer × precision that ran, in the comparison's optimizer order (float32
 * before bfloat16), aggregating the seeds. Cost: O(runs).
 */
export function summarize(result: ComparisonResult): SummaryRow[] {
  const adamw = adamwStateBytes(result);
  const rows: SummaryRow[] = [];
  for (const optimizer of result.settings.optimizers) {
    for (const precision of result.settings.precisions) {
      const runs: RunResult[] = result.runs.filter(
        (r) => r.optimizer === optimizer && r.precision === precision,
      );
      if (runs.length === 0) continue;
      const accuracies = runs.map((r) => r.finalTestAccuracy);
      const status = runs.reduce<RunStatus>(
        (worst, r) => (STATUS_RANK[r.status] > STATUS_RANK[worst] ? r.status : worst),
        'ok',
      );
      const message = runs.find((r) => r.message !== undefined)?.message;
      const steps = runs.reduce((sum, r) => sum + r.steps, 0);
      rows.push({
        optimizer,
        precision,
        seeds: runs.map((r) => r.seed),
        accuracy: { mean: mean(accuracies), min: Math.min(...accuracies), max: Math.max(...accuracies) },
        testLoss: mean(runs.map((r) => r.finalTestLoss)),
        trainLoss: mean(runs.map((r) => r.finalTrainLoss)),
        trainSeconds: mean(runs.map((r) => r.trainMs / 1000)),
        msPerStep: steps === 0 ? Number.NaN : runs.reduce((sum, r) => sum + r.trainMs, 0) / steps,
        stateBytes: runs[0]!.memory.stateBytes,
        stateVsAdamW: runs[0]!.memory.stateBytes / adamw,
        status,
        skippedSteps: runs.reduce((sum, r) => sum + r.skippedSteps, 0),
        ...(message === undefined ? {} : { message }),
      });
    }
  }
  return rows;
}
