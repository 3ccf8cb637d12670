import { describe, expect, it } from 'vitest';
import type { SampleSummary } from '../src/ops-timing.js';
import type { StepStructureName } from '../src/step-structures.js';
import {
  type AdamWStepRow,
  evaluateStepTargets,
  type SingdStepRow,
  STEP_TARGETS,
  stepGrowth,
} from '../src/step-targets.js';

function summary(medianMs: number): SampleSummary {
  return { medianMs, minMs: medianMs, meanMs: medianMs, samples: 3 };
}

function adamRow(d: number, ms: number): AdamWStepRow {
  return { d, step: summary(ms), stateBytes: 16 * d * d, parameterBytes: 8 * d * d, stateToParameters: 2 };
}

function singdRow(
  structure: StepStructureName,
  d: number,
  times: { update: number; nonUpdate: number; work: number; adam: number; state: number },
): SingdStepRow {
  return {
    structure,
    label: structure,
    d,
    update: summary(times.update),
    nonUpdate: summary(times.nonUpdate),
    capture: summary(times.work / 2),
    preconditionerUpdate: summary(times.work),
    warmedUp: true,
    updateToAdamW: times.update / times.adam,
    nonUpdateToAdamW: times.nonUpdate / times.adam,
    memory: {
      K: 0,
      C: 0,
      mK: 0,
      mC: 0,
      momentumBuffer: times.state,
      stateBytes: times.state,
      parameterBytes: 8 * d * d,
      stateToParameters: times.state / (8 * d * d),
      reportRatioToAdamW: times.state / (16 * d * d),
      ratioToAdamW: times.state / (16 * d * d),
    },
  };
}

describe('step benchmark targets', () => {
  const adam = [adamRow(512, 10), adamRow(2048, 160)];

  it('passes at the bounds and fails just above them', () => {
    const { diagonalNonUpdateMax: t, diagonalStateMax: m } = STEP_TARGETS;
    const singd = [
      singdRow('diagonal', 512, {
        update: 30,
        nonUpdate: 10 * t,
        work: 1,
        adam: 10,
        state: m * 16 * 512 ** 2,
      }),
      singdRow('diagonal', 2048, {
        update: 500,
        nonUpdate: 160 * t * 1.01,
        work: 4,
        adam: 160,
        state: 0.56 * 16 * 2048 ** 2,
      }),
      singdRow('block-diagonal', 512, { update: 30, nonUpdate: 20, work: 2, adam: 10, state: 1 }),
      singdRow('block-diagonal', 2048, {
        update: 400,
        nonUpdate: 300,
        work: 2 * 2.3 ** 2,
        adam: 160,
        state: 1,
      }),
      singdRow('hierarchical', 512, { update: 30, nonUpdate: 20, work: 2, adam: 10, state: 1 }),
      singdRow('hierarchical', 2048, { update: 400, nonUpdate: 300, work: 2 * 16, adam: 160, state: 1 }),
    ];
    const targets = evaluateStepTargets(singd, stepGrowth(adam, singd));
    expect(targets.map((x) => [x.kind, x.d, x.structure, x.pass])).toEqual([
      ['diagonal-non-update-time', 512, 'diagonal', true],
      ['diagonal-non-update-time', 2048, 'diagonal', false],
      ['diagonal-state', 512, 'diagonal', true],
      ['diagonal-state', 2048, 'diagonal', false],
      ['linear-update-growth', null, 'block-diagonal', true],
      ['linear-update-growth', null, 'hierarchical', false],
    ]);
    expect(targets[5]!.measured).toBeCloseTo(4, 10); // 16× for 4× d is 4× per doubling: quadratic
    expect(targets[4]!.detail).toContain('512 → 2048');
  });

  it('reports growth per doubling from the smallest to the largest d, AdamW included', () => {
    const singd = [
      singdRow('diagonal', 512, { update: 3, nonUpdate: 2, work: 1, adam: 10, state: 1 }),
      singdRow('diagonal', 2048, { update: 48, nonUpdate: 32, work: 4, adam: 160, state: 1 }),
    ];
    const growth = stepGrowth(adam, singd);
    expect(growth.map((g) => [g.structure, g.quantity, g.ratio, g.perDoubling, g.linearRatio])).toEqual([
      ['adamw', 'adamw', 16, 4, 4],
      ['diagonal', 'update', 16, 4, 4],
      ['diagonal', 'non-update', 16, 4, 4],
      ['diagonal', 'preconditioner-update', 4, 2, 4],
    ]);
  });

  it('leaves the growth target unmeasured with one size, and skips structures not run', () => {
    const singd = [singdRow('hierarchical', 512, { update: 30, nonUpdate: 20, work: 2, adam: 10, state: 1 })];
    const targets = evaluateStepTargets(singd, stepGrowth([adam[0]!], singd));
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ kind: 'linear-update-growth', measured: null, pass: null });
  });
});
