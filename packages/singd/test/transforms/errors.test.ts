import { describe, expect, it } from 'vitest';
import { adamw } from '../../src/transforms/adamw.js';
import { addDecayedWeights } from '../../src/transforms/add-decayed-weights.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { scaleByAdam } from '../../src/transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../../src/transforms/scale-by-learning-rate.js';
import { sgd } from '../../src/transforms/sgd.js';
import { trace } from '../../src/transforms/trace.js';

describe('hyper-parameter validation', () => {
  const cases: [string, () => unknown][] = [
    ['momentum must be a finite number in [0, 1); got -1', () => trace(-1)],
    ['momentum must be a finite number in [0, 1); got 1', () => trace(1)],
    ['momentum must be a finite number in [0, 1); got NaN', () => sgd({ lr: 0.1, momentum: Number.NaN })],
    ['weightDecay must be a finite number in [0, ∞); got -0.1', () => addDecayedWeights(-0.1)],
    [
      'weightDecay must be a finite number in [0, ∞); got Infinity',
      () => sgd({ lr: 0.1, weightDecay: Number.POSITIVE_INFINITY }),
    ],
    ['lr must be a schedule function or a finite number in [0, ∞); got -1', () => scaleByLearningRate(-1)],
    ['lr must be a schedule function or a finite number in [0, ∞); got NaN', () => adamw({ lr: Number.NaN })],
    ['beta1 must be a finite number in [0, 1); got 1', () => scaleByAdam({ beta1: 1 })],
    ['beta2 must be a finite number in [0, 1); got -0.5', () => adamw({ lr: 1, beta2: -0.5 })],
    ['epsilon must be a finite number in [0, ∞); got -1e-8', () => adamw({ lr: 1, epsilon: -1e-8 })],
    ['weightDecay must be a finite number in [0, ∞); got -1', () => adamw({ lr: 1, weightDecay: -1 })],
  ];
  for (const [message, make] of cases) {
    it(message, () => {
      expect(make).toThrow(new RangeError(message));
    });
  }
});

describe('update/parameter agreement', () => {
  const params = { w: Float64Array.of(1, 2, 3), b: Float64Array.of(0) };
  const t = sgd({ lr: 0.1 });
  const state = t.init(params);

  it('names the parameter and both lengths on a length mismatch', () => {
    expect(() => t.update({ w: Float64Array.of(1, 2), b: Float64Array.of(0) }, state, params)).toThrow(
      new RangeError('updates["w"] has length 2 but parameter "w" has length 3'),
    );
    expect(() => applyUpdates(params, { w: new Float64Array(3), b: new Float64Array(2) })).toThrow(
      new RangeError('updates["b"] has length 2 but parameter "b" has length 1'),
    );
  });

  it('reports missing and extra names', () => {
    expect(() => t.update({ w: new Float64Array(3) }, state, params)).toThrow(
      new RangeError('updates["b"] is missing (length 0) but parameter "b" has length 1'),
    );
    expect(() =>
      scaleByAdam().update({ ...params, extra: new Float64Array(4) }, scaleByAdam().init(params), params),
    ).toThrow(new RangeError('updates["extra"] has length 4 but there is no parameter "extra" (length 0)'));
  });

  it('reports a state that does not match the parameters', () => {
    const other = { w: new Float64Array(5), b: new Float64Array(1) };
    expect(() => trace(0.9).update(other, trace(0.9).init(params), other)).toThrow(
      new RangeError('momentumBuffer["w"] has length 3 but parameter "w" has length 5'),
    );
  });

  it('does not check NaN/Inf (the optimizer layer does)', () => {
    const result = t.update(
      { w: Float64Array.of(Number.NaN, Number.POSITIVE_INFINITY, 0), b: Float64Array.of(0) },
      state,
      params,
    );
    expect(Number.isNaN(result.updates['w']![0])).toBe(true);
  });
});
