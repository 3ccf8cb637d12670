import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  linearWarmupSchedule,
  piecewiseConstantSchedule,
} from '../../src/transforms/schedules.js';

describe('schedules', () => {
  it('constant', () => {
    const s = constantSchedule(0.3);
    expect([0, 1, 1000].map(s)).toEqual([0.3, 0.3, 0.3]);
  });

  it('linear warm-up', () => {
    const s = linearWarmupSchedule({ peakValue: 1, warmupSteps: 4, initValue: 0.2 });
    expect([0, 1, 2, 3, 4, 5, 100].map(s)).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 1, 1, 1]);
    expect(linearWarmupSchedule({ peakValue: 2, warmupSteps: 0 })(0)).toBe(2);
  });

  it('cosine decay', () => {
    const s = cosineDecaySchedule({ initValue: 2, decaySteps: 10, alpha: 0.1 });
    expect(s(0)).toBe(2);
    expect(s(5)).toBeCloseTo(2 * (0.9 * 0.5 + 0.1), 15);
    expect(s(10)).toBeCloseTo(0.2, 15);
    expect(s(50)).toBeCloseTo(0.2, 15);
    expect(cosineDecaySchedule({ initValue: 1, decaySteps: 4 })(2)).toBeCloseTo(0.5, 15);
  });

  it('piecewise constant', () => {
    const s = piecewiseConstantSchedule({
      initValue: 0.1,
      boundariesAndScales: [
        [3, 0.5],
        [5, 0.1],
      ],
    });
    expect([0, 2, 3, 4, 5, 9].map(s)).toEqual([
      0.1, 0.1, 0.05, 0.05, 0.005000000000000001, 0.005000000000000001,
    ]);
    expect(piecewiseConstantSchedule({ initValue: 7, boundariesAndScales: [] })(10)).toBe(7);
  });

  it('validates options and steps', () => {
    expect(() => constantSchedule(Number.NaN)).toThrow(/^value must be a finite number/);
    expect(() => linearWarmupSchedule({ peakValue: 1, warmupSteps: 1.5 })).toThrow(
      new RangeError('warmupSteps must be an integer in [0, ∞); got 1.5'),
    );
    expect(() => cosineDecaySchedule({ initValue: 1, decaySteps: 0 })).toThrow(
      new RangeError('decaySteps must be an integer in [1, ∞); got 0'),
    );
    expect(() => cosineDecaySchedule({ initValue: 1, decaySteps: 5, alpha: 1 })).toThrow(
      new RangeError('alpha must be a finite number in [0, 1); got 1'),
    );
    expect(() =>
      piecewiseConstantSchedule({
        initValue: 1,
        boundariesAndScales: [
          [5, 0.1],
          [5, 0.1],
        ],
      }),
    ).toThrow(new RangeError('boundariesAndScales[1][0] must be an integer in [6, ∞); got 5'));
    expect(() => piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: [[2, -1]] })).toThrow(
      new RangeError('boundariesAndScales[0][1] must be a finite number in [0, ∞); got -1'),
    );
    expect(() => constantSchedule(1)(-1)).toThrow(
      new RangeError('step must be an integer in [0, ∞); got -1'),
    );
  });
});
