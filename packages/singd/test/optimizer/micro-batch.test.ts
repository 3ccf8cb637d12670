import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Singd } from '../../src/optimizer/singd.js';
import { convProblem, linearProblem, maxParamAbs, maxParamDiff } from './problems.js';
import { train } from './train.js';

const f64 = { K: 'float64', C: 'float64' } as const;

describe('micro-batch accumulation (spec §2.5.C.7, §2.5.F)', () => {
  it('property: M micro-batches of a mean loss (each gradient of the full-batch loss) equal one batch', () => {
    // Each micro-batch divides a by √n_micro and multiplies g by √n_micro, so the summed H_K is
    // M× and the summed H_C 1/M× the full batch's: SINGD only uses H_K·avgtr(H_C), H_C·avgtr(H_K).
    const { rtol } = toleranceFor('float64');
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3, 4, 6),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom(...(['dense', 'diagonal', 'lower-triangular'] as const)),
        fc.integer({ min: 1, max: 3 }),
        (micro, seed, kind, T) => {
          const problem = linearProblem({ inFeatures: 4, outFeatures: 3, samples: 12, seed });
          const options = {
            lr: 0.05,
            lrCov: 0.05,
            T,
            dtypes: f64,
            structures: { K: { kind }, C: { kind } },
          } as const;
          const one = train(new Singd([problem.layer], options), [problem], { steps: 8 });
          const many = train(new Singd([problem.layer], options), [problem], {
            steps: 8,
            microBatches: micro,
          });
          const a = one.params['fc']!;
          return maxParamDiff(a, many.params['fc']!) <= rtol * (1 + maxParamAbs(a));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('holds for Conv2d layers too (expand, lossAverage batch)', () => {
    const problem = convProblem({
      layout: 'NHWC',
      inChannels: 2,
      outChannels: 2,
      kernelSize: 2,
      size: 4,
      samples: 6,
      seed: 4,
    });
    const options = { lr: 0.05, lrCov: 0.1, T: 1, dtypes: f64 } as const;
    const one = train(new Singd([problem.layer], options), [problem], { steps: 6 });
    const three = train(new Singd([problem.layer], options), [problem], { steps: 6, microBatches: 3 });
    const a = one.params['conv']!;
    expect(maxParamDiff(a, three.params['conv']!)).toBeLessThan(1e-11 * (1 + maxParamAbs(a)));
  });

  it('is not exact in IKFAC mode (spec §2.5.F): the same split changes the trajectory', () => {
    const problem = linearProblem({ inFeatures: 4, outFeatures: 3, samples: 12, seed: 3 });
    const options = { lr: 0.05, lrCov: 0.1, T: 1, kfacLike: true, alpha1: 0, dtypes: f64 } as const;
    const one = train(new Singd([problem.layer], options), [problem], { steps: 5 });
    const many = train(new Singd([problem.layer], options), [problem], { steps: 5, microBatches: 4 });
    expect(maxParamDiff(one.params['fc']!, many.params['fc']!)).toBeGreaterThan(1e-6);
  });
});
