import { describe, expect, it } from 'vitest';
import { summarize } from '../src/report-summary.js';
import { checkTrainingTargets } from '../src/report-targets.js';
import { fakeComparison, fakeRun } from './train-fixtures.js';

function verdicts(result: ReturnType<typeof fakeComparison>) {
  return Object.fromEntries(checkTrainingTargets(result).map((c) => [c.target, c.verdict]));
}

describe('checkTrainingTargets', () => {
  it('passes when SINGD beats AdamW, survives bfloat16, KFAC loses ≥ 5 points and the diagonal state is small', () => {
    const result = fakeComparison([
      fakeRun('singd-diagonal', 'float32', 0.95, 1_050),
      fakeRun('singd-diagonal', 'bfloat16', 0.941, 1_050),
      fakeRun('kfac', 'float32', 0.96, 5_000),
      fakeRun('kfac', 'bfloat16', 0.909, 5_000),
      fakeRun('adamw', 'float32', 0.95, 2_000),
    ]);
    expect(verdicts(result)).toEqual({
      "singd-diagonal (float32) test accuracy ≥ AdamW's": 'PASS',
      "singd-diagonal (bfloat16) test accuracy ≥ AdamW's": 'FAIL',
      'singd-diagonal: bfloat16 within 1 point of float32': 'PASS',
      'kfac: bfloat16 fails or loses ≥ 5 points vs float32': 'PASS',
      "singd-diagonal optimizer state ≤ 0.55 × AdamW's": 'PASS',
    });
  });

  it('fails each target just past its bound', () => {
    const result = fakeComparison([
      fakeRun('singd-diagonal', 'float32', 0.949, 1_101),
      fakeRun('singd-diagonal', 'bfloat16', 0.9385, 1_101),
      fakeRun('kfac', 'float32', 0.96, 5_000),
      fakeRun('kfac', 'bfloat16', 0.9105, 5_000, 'skipped-steps'),
      fakeRun('adamw', 'float32', 0.95, 2_000),
    ]);
    const v = verdicts(result);
    expect(v["singd-diagonal (float32) test accuracy ≥ AdamW's"]).toBe('FAIL');
    expect(v['singd-diagonal: bfloat16 within 1 point of float32']).toBe('FAIL');
    expect(v['kfac: bfloat16 fails or loses ≥ 5 points vs float32']).toBe('FAIL');
    expect(v["singd-diagonal optimizer state ≤ 0.55 × AdamW's"]).toBe('FAIL');
    const kfac = checkTrainingTargets(result).find((c) => c.target.startsWith('kfac'))!;
    expect(kfac.measured).toBe('91.05 % vs 96.00 % (−4.95 points); 2 steps skipped');
  });

  it('counts a failed KFAC bfloat16 run as the expected failure, and a failed SINGD bfloat16 run as a miss', () => {
    const result = fakeComparison([
      fakeRun('singd-dense', 'float32', 0.95, 9_000),
      fakeRun('singd-dense', 'bfloat16', 0.95, 9_000, 'failed'),
      fakeRun('kfac', 'float32', 0.96, 5_000),
      fakeRun('kfac', 'bfloat16', 0.95, 5_000, 'failed'),
    ]);
    const v = verdicts(result);
    expect(v['kfac: bfloat16 fails or loses ≥ 5 points vs float32']).toBe('PASS');
    expect(v['singd-dense: bfloat16 within 1 point of float32']).toBe('FAIL');
    expect(v["singd-dense (float32) test accuracy ≥ AdamW's"]).toBe('not run');
    expect(v["singd-diagonal optimizer state ≤ 0.55 × AdamW's"]).toBe('not run');
  });
});

describe('summarize', () => {
  it('averages seeds, keeps the worst status and relates state bytes to AdamW', () => {
    const result = fakeComparison([
      fakeRun('singd-diagonal', 'float32', 0.9, 1_000, 'ok', 1),
      fakeRun('singd-diagonal', 'float32', 0.94, 1_000, 'skipped-steps', 2),
      fakeRun('adamw', 'float32', 0.92, 4_000, 'ok', 1),
    ]);
    const [diagonal, adamw] = summarize(result);
    expect(diagonal!.seeds).toEqual([1, 2]);
    expect(diagonal!.accuracy.mean).toBeCloseTo(0.92, 12);
    expect(diagonal!.accuracy.min).toBe(0.9);
    expect(diagonal!.accuracy.max).toBe(0.94);
    expect(diagonal!.status).toBe('skipped-steps');
    expect(diagonal!.skippedSteps).toBe(2);
    expect(diagonal!.stateVsAdamW).toBe(0.25);
    expect(diagonal!.msPerStep).toBe(10);
    expect(adamw!.optimizer).toBe('adamw');
  });
});
