import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Parameters } from '../../src/transforms/api.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { linearWarmupSchedule } from '../../src/transforms/schedules.js';
import { sgd } from '../../src/transforms/sgd.js';
import { expectClose, problem } from './helpers.js';

/**
 * Spec §2.5.E3 written out: step ← g; if γ ≠ 0: step ← step + γ·p; if α ≠ 0:
 * buf ← α·buf + step (buf starts at 0), step ← buf; p ← p − β2·step.
 */
function referenceE3(
  params: Parameters,
  grads: readonly Parameters[],
  lr: (t: number) => number,
  momentum: number,
  weightDecay: number,
): Record<string, number[]> {
  const p: Record<string, number[]> = {};
  const buf: Record<string, number[]> = {};
  for (const [name, a] of Object.entries(params)) {
    p[name] = Array.from(a);
    buf[name] = new Array(a.length).fill(0);
  }
  grads.forEach((g, t) => {
    for (const name of Object.keys(p)) {
      const pn = p[name]!;
      const bn = buf[name]!;
      for (let i = 0; i < pn.length; i++) {
        let step = g[name]![i]!;
        if (weightDecay !== 0) step = step + weightDecay * pn[i]!;
        if (momentum !== 0) {
          bn[i] = momentum * bn[i]! + step;
          step = bn[i]!;
        }
        pn[i] = pn[i]! - lr(t) * step;
      }
    }
  });
  return p;
}

describe('sgd', () => {
  it('matches spec E3 (weight decay, then momentum, then lr) over 25 steps', () => {
    fc.assert(
      fc.property(
        problem(25),
        fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
        fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.99, noNaN: true })),
        fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
        ({ params, grads }, lr, momentum, weightDecay) => {
          const optimizer = sgd({ lr, momentum, weightDecay });
          let state = optimizer.init(params);
          let current = params;
          for (const g of grads) {
            const result = optimizer.update(g, state, current);
            state = result.state;
            current = applyUpdates(current, result.updates);
          }
          expectClose(
            current,
            referenceE3(params, grads, () => lr, momentum, weightDecay),
            toleranceFor('float64'),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('reads a schedule with the 0-based step', () => {
    const lr = linearWarmupSchedule({ peakValue: 0.1, warmupSteps: 4 });
    const params = { w: Float64Array.of(1, 2) };
    const grads = Array.from({ length: 6 }, (_, t) => ({ w: Float64Array.of(t + 1, -t) }));
    const optimizer = sgd({ lr, weightDecay: 0.01 });
    let state = optimizer.init(params);
    let current: Parameters = params;
    for (const g of grads) {
      const result = optimizer.update(g, state, current);
      state = result.state;
      current = applyUpdates(current, result.updates);
    }
    expectClose(current, referenceE3(params, grads, lr, 0.9, 0.01), toleranceFor('float64'));
    // step 0 has lr 0: the first update is exactly zero
    const first = sgd({ lr }).update(grads[0]!, sgd({ lr }).init(params), params);
    expect(Array.from(first.updates['w']!)).toEqual([-0, -0]);
  });

  it('defaults: momentum 0.9, no weight decay', () => {
    const params = { w: Float64Array.of(3) };
    const optimizer = sgd({ lr: 1 });
    const one = optimizer.update({ w: Float64Array.of(1) }, optimizer.init(params), params);
    const two = optimizer.update({ w: Float64Array.of(1) }, one.state, params);
    expect(one.updates['w']![0]).toBe(-1);
    expect(two.updates['w']![0]).toBeCloseTo(-1.9, 15);
  });
});
