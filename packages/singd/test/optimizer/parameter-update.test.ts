/**
 * The fused E3 update of a SINGD layer against `chain(addDecayedWeights(γ), trace(α2),
 * scaleByLearningRate(β2))`: the same updates and states bit for bit, the same errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSingdLayerOptions } from '../../src/optimizer/options.js';
import { singdParameterUpdate } from '../../src/optimizer/parameter-update.js';
import { addDecayedWeights } from '../../src/transforms/add-decayed-weights.js';
import type { Parameters } from '../../src/transforms/api.js';
import { chain } from '../../src/transforms/chain.js';
import { scaleByLearningRate } from '../../src/transforms/scale-by-learning-rate.js';
import { trace } from '../../src/transforms/trace.js';

const value = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => (v / 65536) * Math.E);

function expectSame(a: unknown, b: unknown): void {
  if (ArrayBuffer.isView(a)) {
    expect(b).toBeInstanceOf((a as object).constructor);
    const x = a as Float64Array;
    const y = b as Float64Array;
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) expect(Object.is(x[i], y[i])).toBe(true);
    return;
  }
  if (typeof a === 'object' && a !== null) {
    expect(typeof b).toBe('object');
    expect(Object.keys(b as object)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) {
      expectSame((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
    return;
  }
  expect(Object.is(a, b)).toBe(true);
}

describe('singdParameterUpdate (fused E3)', () => {
  it('property: equals the three-transform chain bit for bit over several steps (float64 and float32)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1e-4, 0.05),
        fc.constantFrom(0, 0.5, 0.9),
        fc.constantFrom<'number' | 'schedule'>('number', 'schedule'),
        fc.constantFrom(Float64Array, Float32Array),
        fc.integer({ min: 1, max: 9 }),
        fc.array(value, { minLength: 9 * 5, maxLength: 9 * 5 }),
        (weightDecay, momentum, lrKind, Type, n, values) => {
          const lr = lrKind === 'number' ? 0.01 : (count: number) => 0.1 / (1 + count);
          const o = resolveSingdLayerOptions({ weightDecay, momentum, lr });
          const fused = singdParameterUpdate(o);
          const unfused = chain(addDecayedWeights(weightDecay), trace(momentum), scaleByLearningRate(lr));
          const params: Parameters = { w: Type.from(values.slice(0, n)) };
          let a = unfused.init(params);
          let b = fused.init(params);
          expectSame(a, b);
          for (let t = 1; t < 5; t++) {
            const u: Parameters = { w: Type.from(values.slice(t * n, (t + 1) * n)) };
            const ra = unfused.update(u, a, params);
            const rb = fused.update(u, b, params);
            expectSame(ra.updates, rb.updates);
            expectSame(ra.state, rb.state);
            a = ra.state;
            b = rb.state;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports mismatched updates and momentum buffers like the chain, leaving the state alone', () => {
    const o = resolveSingdLayerOptions({ momentum: 0.9 });
    const fused = singdParameterUpdate(o);
    const state = fused.init({ w: new Float64Array(3) });
    expect(() => fused.update({ w: new Float64Array(2) }, state, { w: new Float64Array(3) })).toThrow(
      /updates\["w"\] has length 2 but parameter "w" has length 3/,
    );
    expect(() => fused.update({ v: new Float64Array(3) }, state, { v: new Float64Array(3) })).toThrow(
      /momentumBuffer\["v"\] is missing/,
    );
    expect(state[1].momentumBuffer['w']).toEqual(new Float64Array(3));
  });
});
