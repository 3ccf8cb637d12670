import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SingdOptions } from '../../src/optimizer/options.js';
import { Singd } from '../../src/optimizer/singd.js';
import { convProblem, linearProblem, sameParams } from './problems.js';
import { train } from './train.js';

const conv = convProblem({
  layout: 'NCHW',
  inChannels: 2,
  outChannels: 3,
  kernelSize: 3,
  size: 5,
  samples: 4,
  seed: 5,
});
const fc1 = linearProblem({ name: 'fc1', inFeatures: 5, outFeatures: 4, samples: 8, seed: 6 });

describe('per-layer overrides (parameter groups)', () => {
  it('one optimizer with overrides equals two separate optimizers, bit for bit (spec §6.5 test_param_groups)', () => {
    const convOptions = {
      structures: { K: { kind: 'diagonal' }, C: { kind: 'diagonal' } },
      lr: 1e-2,
      damping: 1e-2,
      momentum: 0.5,
      weightDecay: 5e-2,
      lrCov: 5e-2,
      T: 1,
      alpha1: 0.2,
    } as const;
    const linearOptions = {
      lr: 5e-2,
      damping: 1e-4,
      momentum: 0.9,
      weightDecay: 1e-2,
      lrCov: 1e-2,
      T: 3,
      alpha1: 0.5,
    };
    const grouped = new Singd([conv.layer, fc1.layer], {
      ...linearOptions,
      overrides: { conv: convOptions },
    });
    const together = train(grouped, [conv, fc1], { steps: 25 });
    const alone1 = train(new Singd([conv.layer], convOptions), [conv], { steps: 25 });
    const alone2 = train(new Singd([fc1.layer], linearOptions), [fc1], { steps: 25 });
    expect(sameParams(together.params['conv']!, alone1.params['conv']!)).toBe(true);
    expect(sameParams(together.params['fc1']!, alone2.params['fc1']!)).toBe(true);
    expect(grouped.layerState('conv').K.kind).toBe('diagonal');
    expect(grouped.layerState('fc1').K.kind).toBe('dense');
    // The two groups really differ: T = 3 for fc1 means no capture at step 1.
    expect(grouped.isUpdateStep('conv')).toBe(true);
    expect(grouped.steps).toBe(25);
    expect(grouped.isUpdateStep('fc1')).toBe(false); // 25 mod 3 ≠ 0
  });

  it('property: for random per-layer hyper-parameters, grouping never changes a layer’s trajectory', () => {
    const hyper = fc.record({
      lr: fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
      momentum: fc.double({ min: 0, max: 0.95, noNaN: true }),
      damping: fc.double({ min: 1e-4, max: 1e-1, noNaN: true }),
      weightDecay: fc.double({ min: 0, max: 0.1, noNaN: true }),
      lrCov: fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
      alpha1: fc.double({ min: 0, max: 0.9, noNaN: true }),
      T: fc.integer({ min: 1, max: 3 }),
      kfacLike: fc.boolean(),
      normalizeLrCov: fc.boolean(),
    });
    fc.assert(
      fc.property(hyper, hyper, (a, b) => {
        const oa: SingdOptions = a.kfacLike ? { ...a, alpha1: 0 } : a;
        const ob: SingdOptions = b.kfacLike ? { ...b, alpha1: 0 } : b;
        const grouped = train(
          new Singd([conv.layer, fc1.layer], { ...oa, overrides: { fc1: ob } }),
          [conv, fc1],
          {
            steps: 6,
          },
        );
        const first = train(new Singd([conv.layer], oa), [conv], { steps: 6 });
        const second = train(new Singd([fc1.layer], ob), [fc1], { steps: 6 });
        return (
          sameParams(grouped.params['conv']!, first.params['conv']!) &&
          sameParams(grouped.params['fc1']!, second.params['fc1']!)
        );
      }),
      { numRuns: 12 },
    );
  });

  it('kfacLike in an override forces that layer’s alpha1 to 0, with a warning naming the layer', () => {
    const opt = new Singd([conv.layer, fc1.layer], { alpha1: 0.5, overrides: { fc1: { kfacLike: true } } });
    expect(opt.layerOptions('fc1').preconditioner.alpha1).toBe(0);
    expect(opt.layerOptions('conv').preconditioner.alpha1).toBe(0.5);
    expect(opt.warnings.some((w) => w.includes("layer 'fc1'") && w.includes('alpha1'))).toBe(true);
    expect(opt.layerState('fc1').mK).toBeUndefined();
    expect(opt.layerState('conv').mK).toBeDefined();
  });
});

describe('option validation: RangeError naming the option and its valid range', () => {
  const layers = [conv.layer, fc1.layer];
  const cases: [SingdOptions, RegExp][] = [
    [{ lr: -1 }, /lr must be a schedule function or a finite number in \[0, ∞\); got -1/],
    [{ momentum: 1 }, /momentum must be a number in \[0, 1\); got 1/],
    [{ weightDecay: Number.NaN }, /weightDecay must be a finite number in \[0, ∞\); got NaN/],
    [{ T: 0 }, /T must be an integer in \[1, ∞\); got 0/],
    [{ T: 1.5 }, /T must be an integer/],
    [{ damping: -1e-3 }, /damping must be a finite number ≥ 0/],
    [{ alpha1: 1 }, /alpha1 must be a number in \[0, 1\)/],
    [{ lrCov: -0.1 }, /lrCov must be a finite number ≥ 0/],
    [{ approximation: 'mean' as never }, /approximation must be one of 'expand', 'reduce'/],
    [{ lossAverage: 'sequence' as never }, /lossAverage must be one of 'batch', 'batch\+sequence', null/],
    [
      { dtypes: { K: 'float8' as never, C: 'float32' } },
      /dtypes.K must be one of float64, float32, bfloat16, float16/,
    ],
    [
      { structures: { K: { kind: 'banded' } as never, C: { kind: 'dense' } } },
      /structures.K must be a structure spec with kind one of/,
    ],
    [
      { structures: { K: { kind: 'block-diagonal', blockSize: 0 }, C: { kind: 'dense' } } },
      /structures.K: .*blockSize/,
    ],
    [{ initGradScale: 0 }, /initGradScale must be a finite number in \(0, ∞\); got 0/],
    [{ lerningRate: 1 } as never, /unknown Singd option 'lerningRate'; valid options: lr, momentum/],
    [{ overrides: { fc2: { lr: 1 } } }, /overrides names an unknown layer 'fc2'; layers: 'conv', 'fc1'/],
    [{ overrides: { fc1: { momentum: 2 } } }, /overrides\.fc1\.momentum must be a number in \[0, 1\); got 2/],
    [{ overrides: { fc1: { initGradScale: 2 } as never } }, /unknown overrides\.fc1 option 'initGradScale'/],
  ];
  it.each(cases)('%o', (options, message) => {
    let error: unknown;
    try {
      new Singd(layers, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(message);
  });

  it('flags must be booleans (TypeError)', () => {
    expect(() => new Singd(layers, { kfacLike: 'yes' as never })).toThrow(TypeError);
  });

  it('rejects duplicate layer names and unsupported conv groups', () => {
    expect(() => new Singd([fc1.layer, fc1.layer])).toThrow(/duplicate layer name 'fc1'/);
    expect(
      () =>
        new Singd([
          { type: 'conv2d', name: 'g', inChannels: 4, outChannels: 4, kernelSize: 1, groups: 2, bias: false },
        ]),
    ).toThrow(/layer 'g': groups must be 1/);
  });
});
