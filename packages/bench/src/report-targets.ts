import { adamwStateBytes, type SummaryRow, summarize } from './report-summary.js';
import type { ComparisonResult } from './train-comparison.js';
import type { OptimizerName } from './train-optimizers.js';

/** The outcome of one target check. */
export type TrainingTargetVerdict = 'PASS' | 'FAIL' | 'not run';

/** One checked target of issue 7. */
export interface TrainingTargetCheck {
  /** What is required, in words. */
  readonly target: string;
  /** What was measured. */
  readonly measured: string;
  readonly verdict: TrainingTargetVerdict;
}

/** SINGD-family optimizers (SINGD structures, INGD, IKFAC). */
export function isSingdFamily(name: OptimizerName): boolean {
  return name.startsWith('singd-') || name === 'ingd' || name === 'ikfac';
}

/** Test accuracy as a percentage with 2 decimals (`97.35 %`). */
export function percent(accuracy: number): string {
  return Number.isFinite(accuracy) ? `${(accuracy * 100).toFixed(2)} %` : String(accuracy);
}

function points(difference: number): string {
  const value = difference * 100;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} points`;
}

/** The bounds of the targets (issue 7). */
export const TARGET_BOUNDS = Object.freeze({
  /** SINGD in bfloat16 within this many percentage points of its float32 run. */
  bfloat16Tolerance: 1,
  /** KFAC in bfloat16 must fail or lose at least this many points. */
  kfacBfloat16Loss: 5,
  /** SINGD-diagonal's optimizer state at most this fraction of AdamW's. */
  diagonalStateRatio: 0.55,
});

/**
 * Checks the targets of issue 7 against `result` (means over seeds):
 *
 * 1. every SINGD-family row's test accuracy ≥ AdamW's (float32);
 * 2. every SINGD-family optimizer in bfloat16 within 1 point of its own float32 run;
 * 3. KFAC in bfloat16 fails (half of its steps or more skipped, or it threw) or loses ≥ 5 points
 *    against KFAC in float32;
 * 4. SINGD-diagonal's optimizer state ≤ 0.55 × AdamW's (bytes reported by the Trainer).
 *
 * A check whose runs are missing is `not run`.
 */
export function checkTrainingTargets(result: ComparisonResult): TrainingTargetCheck[] {
  const rows = summarize(result);
  const find = (optimizer: OptimizerName, precision: 'float32' | 'bfloat16'): SummaryRow | undefined =>
    rows.find((r) => r.optimizer === optimizer && r.precision === precision);
  const checks: TrainingTargetCheck[] = [];
  const adamw = find('adamw', 'float32');
  const singdRows = rows.filter((r) => isSingdFamily(r.optimizer));

  for (const row of singdRows) {
    const target = `${row.optimizer} (${row.precision}) test accuracy ≥ AdamW's`;
    if (adamw === undefined) {
      checks.push({ target, measured: 'AdamW did not run', verdict: 'not run' });
      continue;
    }
    const difference = row.accuracy.mean - adamw.accuracy.mean;
    checks.push({
      target,
      measured: `${percent(row.accuracy.mean)} vs ${percent(adamw.accuracy.mean)} (${points(difference)})`,
      verdict: difference >= 0 ? 'PASS' : 'FAIL',
    });
  }

  const optimizers = [...new Set(singdRows.map((r) => r.optimizer))];
  for (const optimizer of optimizers) {
    const full = find(optimizer, 'float32');
    const half = find(optimizer, 'bfloat16');
    const target = `${optimizer}: bfloat16 within ${TARGET_BOUNDS.bfloat16Tolerance} point of float32`;
    if (full === undefined || half === undefined) {
      checks.push({ target, measured: 'needs both precisions', verdict: 'not run' });
      continue;
    }
    const difference = half.accuracy.mean - full.accuracy.mean;
    const ok = half.status !== 'failed' && Math.abs(difference) * 100 <= TARGET_BOUNDS.bfloat16Tolerance;
    checks.push({
      target,
      measured: `${percent(half.accuracy.mean)} vs ${percent(full.accuracy.mean)} (${points(difference)})${half.status === 'failed' ? ', failed' : ''}`,
      verdict: ok ? 'PASS' : 'FAIL',
    });
  }

  {
    const full = find('kfac', 'float32');
    const half = find('kfac', 'bfloat16');
    const target = `kfac: bfloat16 fails or loses ≥ ${TARGET_BOUNDS.kfacBfloat16Loss} points vs float32`;
    if (full === undefined || half === undefined) {
      checks.push({ target, measured: 'needs KFAC in both precisions', verdict: 'not run' });
    } else {
      const difference = half.accuracy.mean - full.accuracy.mean;
      const failed = half.status === 'failed';
      checks.push({
        target,
        measured: `${percent(half.accuracy.mean)} vs ${percent(full.accuracy.mean)} (${points(difference)}); ${
          failed ? 'failed' : half.skippedSteps > 0 ? `${half.skippedSteps} steps skipped` : 'no step skipped'
        }`,
        verdict: failed || -difference * 100 >= TARGET_BOUNDS.kfacBfloat16Loss ? 'PASS' : 'FAIL',
      });
    }
  }

  {
    const diagonal = find('singd-diagonal', 'float32');
    const adamwBytes = adamwStateBytes(result);
    const target = `singd-diagonal optimizer state ≤ ${TARGET_BOUNDS.diagonalStateRatio} × AdamW's`;
    if (diagonal === undefined || !Number.isFinite(adamwBytes)) {
      checks.push({ target, measured: 'needs singd-diagonal (float32) and AdamW', verdict: 'not run' });
    } else {
      const ratio = diagonal.stateBytes / adamwBytes;
      checks.push({
        target,
        measured: `${diagonal.stateBytes.toLocaleString('en-US')} B vs ${adamwBytes.toLocaleString('en-US')} B (${ratio.toFixed(3)}×)`,
        verdict: ratio <= TARGET_BOUNDS.diagonalStateRatio ? 'PASS' : 'FAIL',
      });
    }
  }
  return checks;
}
