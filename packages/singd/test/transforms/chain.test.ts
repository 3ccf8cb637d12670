import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecayedWeights } from '../../src/transforms/add-decayed-weights.js';
import type { GradientTransformation, Parameters } from '../../src/transforms/api.js';
import { chain } from '../../src/transforms/chain.js';
import { scaleByAdam } from '../../src/transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../../src/transforms/scale-by-learning-rate.js';
import { trace } from '../../src/transforms/trace.js';
import { problem } from './helpers.js';

function runUpdates<S>(t: GradientTransformation<S>, params: Parameters, grads: readonly Parameters[]) {
  let state = t.init(params);
  const out: Parameters[] = [];
  for (const g of grads) {
    const result = t.update(g, state, params);
    state = result.state;
    out.push(result.updates);
  }
  return out;
}

describe('chain', () => {
  it('chain() is the identity with an empty state, returning new arrays', () => {
    fc.assert(
      fc.property(problem(1), ({ params, grads }) => {
        const identity = chain();
        const state = identity.init(params);
        expect(state).toEqual([]);
        const result = identity.update(grads[0]!, state, params);
        expect(result.updates).toEqual(grads[0]);
        for (const name of Object.keys(params)) expect(result.updates[name]).not.toBe(grads[0]![name]);
      }),
    );
  });

  it('chain(a) acts as a; its state is the 1-tuple of a’s state', () => {
    fc.assert(
      fc.property(problem(5), ({ params, grads }) => {
        expect(runUpdates(chain(trace(0.5)), params, grads)).toEqual(runUpdates(trace(0.5), params, grads));
        expect(chain(trace(0.5)).init(params)).toEqual([trace(0.5).init(params)]);
      }),
    );
  });

  it('is associative in effect', () => {
    const a = () => scaleByAdam({ beta1: 0.8 });
    const b = () => addDecayedWeights(0.05);
    const c = () => trace(0.7);
    const d = () => scaleByLearningRate((t) => 0.1 / (t + 1));
    fc.assert(
      fc.property(problem(8), ({ params, grads }) => {
        const flat = runUpdates(chain(a(), b(), c(), d()), params, grads);
        expect(runUpdates(chain(chain(a(), b()), chain(c(), d())), params, grads)).toEqual(flat);
        expect(runUpdates(chain(a(), chain(b(), chain(c(), d()))), params, grads)).toEqual(flat);
        expect(runUpdates(chain(chain(chain(a(), b()), c()), d()), params, grads)).toEqual(flat);
        expect(runUpdates(chain(chain(), a(), b(), c(), d(), chain()), params, grads)).toEqual(flat);
      }),
      { numRuns: 40 },
    );
  });

  it('state is plain data: a JSON-free structured clone resumes identically', () => {
    const optimizer = chain(scaleByAdam(), addDecayedWeights(0.01), trace(0.9), scaleByLearningRate(0.01));
    const params = { w: Float64Array.of(1, 2, 3), b: Float32Array.of(0.5) };
    const g = { w: Float64Array.of(0.1, -0.2, 0.3), b: Float32Array.of(1) };
    const s1 = optimizer.update(g, optimizer.init(params), params).state;
    const restored = structuredClone(s1);
    expect(optimizer.update(g, restored, params)).toEqual(optimizer.update(g, s1, params));
  });

  it('rejects a state tuple of the wrong length', () => {
    const optimizer = chain(trace(0.9));
    const params = { w: Float64Array.of(1) };
    expect(() => optimizer.update(params, [] as never, params)).toThrow(
      new RangeError('chain state must be a tuple of 1 states; got 0'),
    );
  });
});
