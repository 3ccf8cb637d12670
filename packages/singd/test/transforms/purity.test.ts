import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamw } from '../../src/transforms/adamw.js';
import { addDecayedWeights } from '../../src/transforms/add-decayed-weights.js';
import type { GradientTransformation } from '../../src/transforms/api.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { chain } from '../../src/transforms/chain.js';
import { scaleByAdam } from '../../src/transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../../src/transforms/scale-by-learning-rate.js';
import { sgd } from '../../src/transforms/sgd.js';
import { trace } from '../../src/transforms/trace.js';
import { copy, problem } from './helpers.js';

const transforms: Record<string, () => GradientTransformation<unknown>> = {
  'chain()': () => chain(),
  addDecayedWeights: () => addDecayedWeights(0.1),
  'trace(0)': () => trace(0),
  'trace(0.9)': () => trace(0.9),
  scaleByLearningRate: () => scaleByLearningRate((t) => 1 / (t + 1)),
  scaleByAdam: () => scaleByAdam(),
  adamw: () => adamw({ lr: 0.01 }),
  sgd: () => sgd({ lr: 0.01, weightDecay: 0.1 }),
};

describe('purity', () => {
  for (const [label, make] of Object.entries(transforms)) {
    it(`${label}: leaves params, updates and state unchanged; outputs alias no input`, () => {
      fc.assert(
        fc.property(problem(3), ({ params, grads }) => {
          const t = make();
          let state = t.init(params);
          for (const g of grads) {
            const [p0, g0, s0] = [copy(params), copy(g), structuredClone(state)];
            const result = t.update(g, state, params);
            expect(params).toEqual(p0);
            expect(g).toEqual(g0);
            expect(state).toEqual(s0);
            for (const name of Object.keys(params)) {
              expect(result.updates[name]).not.toBe(g[name]);
              expect(result.updates[name]).not.toBe(params[name]);
            }
            // the same inputs give the same outputs
            expect(t.update(g, state, params)).toEqual(result);
            state = result.state;
          }
        }),
        { numRuns: 30 },
      );
    });
  }

  it('applyUpdates returns new arrays p + u and leaves its inputs unchanged', () => {
    fc.assert(
      fc.property(problem(1), ({ params, grads }) => {
        const [p0, u0] = [copy(params), copy(grads[0]!)];
        const next = applyUpdates(params, grads[0]!);
        expect(params).toEqual(p0);
        expect(grads[0]).toEqual(u0);
        for (const name of Object.keys(params)) {
          expect(next[name]).not.toBe(params[name]);
          expect(Array.from(next[name]!)).toEqual(Array.from(p0[name]!, (p, i) => p + u0[name]![i]!));
        }
      }),
    );
  });
});
