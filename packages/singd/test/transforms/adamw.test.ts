import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamw } from '../../src/transforms/adamw.js';
import type { Parameters } from '../../src/transforms/api.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { cosineDecaySchedule } from '../../src/transforms/schedules.js';
import { expectClose, problem } from './helpers.js';

interface Hyper {
  lr: number | ((t: number) => number);
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** PyTorch's AdamW written out as a plain loop over plain number arrays. */
function referenceAdamW(
  params: Parameters,
  grads: readonly Parameters[],
  h: Hyper,
): Record<string, number[]> {
  const p: Record<string, number[]> = {};
  const m: Record<string, number[]> = {};
  const v: Record<string, number[]> = {};
  for (const [name, a] of Object.entries(params)) {
    p[name] = Array.from(a);
    m[name] = new Array(a.length).fill(0);
    v[name] = new Array(a.length).fill(0);
  }
  for (let t = 1; t <= grads.length; t++) {
    const lr = typeof h.lr === 'number' ? h.lr : h.lr(t - 1);
    for (const name of Object.keys(p)) {
      const g = grads[t - 1]![name]!;
      const pn = p[name]!;
      const mn = m[name]!;
      const vn = v[name]!;
      for (let i = 0; i < pn.length; i++) {
        mn[i] = h.beta1 * mn[i]! + (1 - h.beta1) * g[i]!;
        vn[i] = h.beta2 * vn[i]! + (1 - h.beta2) * g[i]! * g[i]!;
        const mHat = mn[i]! / (1 - h.beta1 ** t);
        const vHat = vn[i]! / (1 - h.beta2 ** t);
        pn[i] = pn[i]! - lr * (mHat / (Math.sqrt(vHat) + h.epsilon) + h.weightDecay * pn[i]!);
      }
    }
  }
  return p;
}

function run(params: Parameters, grads: readonly Parameters[], h: Hyper): Parameters {
  const optimizer = adamw(h);
  let state = optimizer.init(params);
  let current = params;
  for (const g of grads) {
    const result = optimizer.update(g, state, current);
    state = result.state;
    current = applyUpdates(current, result.updates);
  }
  return current;
}

const hyper = fc.record({
  lr: fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
  beta1: fc.double({ min: 0, max: 0.99, noNaN: true }),
  beta2: fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
  epsilon: fc.double({ min: 1e-8, max: 1e-2, noNaN: true }),
  weightDecay: fc.double({ min: 0, max: 0.1, noNaN: true }),
});

describe('adamw', () => {
  it('matches a straightforward AdamW loop over 25 steps (float64)', () => {
    fc.assert(
      fc.property(problem(25), hyper, ({ params, grads }, h) => {
        expectClose(run(params, grads, h), referenceAdamW(params, grads, h), toleranceFor('float64'));
      }),
      { numRuns: 60 },
    );
  });

  it('matches the loop with a learning-rate schedule and the defaults', () => {
    fc.assert(
      fc.property(problem(30), ({ params, grads }) => {
        const lr = cosineDecaySchedule({ initValue: 0.01, decaySteps: 20, alpha: 0.1 });
        const optimizer = adamw({ lr });
        let state = optimizer.init(params);
        let current = params;
        for (const g of grads) {
          const result = optimizer.update(g, state, current);
          state = result.state;
          current = applyUpdates(current, result.updates);
        }
        const expected = referenceAdamW(params, grads, {
          lr,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          weightDecay: 0.01,
        });
        expectClose(current, expected, toleranceFor('float64'));
        expect(state[0].count).toBe(30);
        expect(state[2].count).toBe(30);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps float32 parameters and moments in float32', () => {
    const params = { w: Float32Array.of(1, -2, 3) };
    const optimizer = adamw({ lr: 0.1 });
    const state = optimizer.init(params);
    const result = optimizer.update({ w: Float32Array.of(0.5, 0.5, -1) }, state, params);
    expect(result.updates['w']).toBeInstanceOf(Float32Array);
    expect(result.state[0].mu['w']).toBeInstanceOf(Float32Array);
    expect(applyUpdates(params, result.updates)['w']).toBeInstanceOf(Float32Array);
  });
});
