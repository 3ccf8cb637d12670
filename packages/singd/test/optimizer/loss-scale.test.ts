import { toleranceFor } from '@singd/half';
import { tensor } from '@singd/kron-curvature';
import { describe, expect, it } from 'vitest';
import type { LayerParams } from '../../src/optimizer/layers.js';
import type { SingdOptions } from '../../src/optimizer/options.js';
import { Singd } from '../../src/optimizer/singd.js';
import { convProblem, linearProblem, maxParamAbs, maxParamDiff, type Problem } from './problems.js';
import { train } from './train.js';

const fcProblem = linearProblem({ inFeatures: 5, outFeatures: 3, samples: 8, seed: 12 });
const convP = convProblem({
  layout: 'NCHW',
  inChannels: 2,
  outChannels: 2,
  kernelSize: 2,
  size: 4,
  samples: 3,
  seed: 2,
});
const problems: Problem[] = [fcProblem, convP];
const layers = problems.map((p) => p.layer);

const constant = () => 1e4;
const cyclic = (t: number) => [100, 1e4, 100, 1][t % 4]!;

function relativeError(a: Record<string, LayerParams>, b: Record<string, LayerParams>): number {
  let worst = 0;
  for (const name of Object.keys(a)) {
    worst = Math.max(worst, maxParamDiff(a[name]!, b[name]!) / (1 + maxParamAbs(a[name]!)));
  }
  return worst;
}

describe('loss scaling (spec §5.2)', () => {
  it.each([
    ['constant 1e4', constant],
    ['cyclic 100, 1e4, 100, 1', cyclic],
  ])('%s equals no scaling (float64 factors, 30 steps, T = 2)', (_, scale) => {
    const options: SingdOptions = { lr: 0.05, lrCov: 0.05, T: 2, dtypes: { K: 'float64', C: 'float64' } };
    const plain = train(new Singd(layers, options), problems, { steps: 30 });
    const scaled = train(new Singd(layers, { ...options, initGradScale: scale(3) }), problems, {
      steps: 30,
      lossScale: scale,
    });
    expect(scaled.skipped).toEqual([]);
    // Only rounding differs: every scale is applied and removed exactly once.
    expect(relativeError(plain.params, scaled.params)).toBeLessThan(toleranceFor('float64').rtol);
  });

  it.each([
    ['constant 1e4', constant],
    ['cyclic 100, 1e4, 100, 1', cyclic],
  ])('%s equals no scaling with float32 factors (spec §6.5 test_scaler tolerance)', (_, scale) => {
    const options: SingdOptions = { lr: 0.05, lrCov: 0.05, T: 1 };
    const plain = train(new Singd(layers, options), problems, { steps: 40 });
    const scaled = train(new Singd(layers, { ...options, initGradScale: scale(3) }), problems, {
      steps: 40,
      lossScale: scale,
    });
    // spec §6.5: rtol 1e-2, atol 5e-5 after 150 steps in float32; we ask for toleranceFor('float32', 10).
    const { rtol } = toleranceFor('float32', 10);
    expect(relativeError(plain.params, scaled.params)).toBeLessThan(rtol);
  });

  it('without initGradScale the first capture is not un-scaled, and a warning says so', () => {
    const opt = new Singd(layers, { T: 1 });
    train(opt, problems, { steps: 1, lossScale: constant });
    expect(opt.warnings.join('\n')).toMatch(/step 0 has loss scale 10000 but initGradScale is 1/);
    const good = new Singd(layers, { T: 1, initGradScale: 1e4 });
    train(good, problems, { steps: 1, lossScale: constant });
    expect(good.warnings).toEqual([]);
  });

  it('an overflowing step is skipped and still counted; the next capture is un-scaled by the overflowed scale', () => {
    // Dynamic loss scaling: 2^16 overflows at step 3 (the gradients are ±∞), then 2^15 is used.
    const options: SingdOptions = { lr: 0.05, lrCov: 0.05, T: 1, dtypes: { K: 'float64', C: 'float64' } };
    const run = (scaled: boolean) => {
      const opt = new Singd([fcProblem.layer], { ...options, initGradScale: scaled ? 2 ** 16 : 1 });
      let p = fcProblem.init();
      const reasons: string[] = [];
      for (let t = 0; t < 8; t++) {
        const s = scaled ? (t < 4 ? 2 ** 16 : 2 ** 15) : 1;
        const pass = fcProblem.pass(p, undefined, { lossScale: s });
        const grads = { weight: pass.grads.weight.slice(), bias: pass.grads.bias!.slice() };
        let outputGrad = pass.outputGrad;
        if (t === 3) {
          // the overflow: in the scaled run an ∞ gradient, in the plain run a NaN (both skip)
          grads.weight[2] = scaled ? Number.POSITIVE_INFINITY : Number.NaN;
          const data = Float64Array.from(pass.outputGrad.data);
          data[1] = scaled ? Number.POSITIVE_INFINITY : 0;
          outputGrad = tensor(pass.outputGrad.shape, data);
        }
        const before = opt.layerState('fc');
        opt.capture('fc', pass.input, outputGrad);
        const r = opt.step({ fc: p }, { fc: grads }, { gradScale: s });
        expect(opt.steps).toBe(t + 1);
        expect(opt.previousGradScale).toBe(s);
        if (r.skipped) {
          reasons.push(r.reason);
          expect(opt.layerState('fc').K).toBe(before.K);
          expect(opt.layerState('fc').mK).toBe(before.mK);
          expect(opt.layerState('fc').pendingHK).toBeUndefined();
        } else p = r.params['fc']!;
      }
      return { p, reasons };
    };
    const plain = run(false);
    const scaled = run(true);
    expect(plain.reasons).toHaveLength(1);
    expect(plain.reasons[0]).toMatch(/non-finite gradient in layer 'fc' at step 3: NaN at \[0, 2\]/);
    expect(scaled.reasons).toHaveLength(1);
    expect(scaled.reasons[0]).toMatch(
      /layer 'fc': output gradient of shape \[8, 3\] has a non-finite entry Infinity at \[0, 1\] at step 3/,
    );
    expect(maxParamDiff(plain.p, scaled.p)).toBeLessThan(
      toleranceFor('float64').rtol * (1 + maxParamAbs(plain.p)),
    );
  });
});
