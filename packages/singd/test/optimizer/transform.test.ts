import { tensor } from '@singd/kron-curvature';
import { describe, expect, it } from 'vitest';
import { resolveLayer } from '../../src/optimizer/layers.js';
import { resolveSingdOptions } from '../../src/optimizer/options.js';
import { scaleBySingd } from '../../src/optimizer/scale-by-singd.js';
import { Singd } from '../../src/optimizer/singd.js';
import { singd } from '../../src/optimizer/singd-optimizer.js';
import { addDecayedWeights } from '../../src/transforms/add-decayed-weights.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { chain } from '../../src/transforms/chain.js';
import { scaleByLearningRate } from '../../src/transforms/scale-by-learning-rate.js';
import { trace } from '../../src/transforms/trace.js';
import { linearProblem, sameParams } from './problems.js';
import { train } from './train.js';

const f64 = { K: 'float64', C: 'float64' } as const;

describe('scaleBySingd: the preconditioner as a pure gradient transformation', () => {
  it('chain(scaleBySingd, addDecayedWeights, trace, scaleByLearningRate) equals the Singd class bit for bit', () => {
    const problem = linearProblem({ inFeatures: 4, outFeatures: 3, samples: 6, seed: 21 });
    const options = { lr: 0.05, momentum: 0.8, weightDecay: 0.02, T: 2, lrCov: 0.05, damping: 1e-3 } as const;
    const layer = resolveLayer(problem.layer);
    const resolved = resolveSingdOptions(['fc'], options);
    const pre = scaleBySingd([layer], resolved.layers);
    const optimizer = chain(pre, addDecayedWeights(0.02), trace(0.8), scaleByLearningRate(0.05));
    const flat = (p: { weight: Float64Array; bias?: Float64Array }) => {
      const out = new Float64Array(15);
      for (let i = 0; i < 3; i++) {
        out.set(p.weight.subarray(i * 4, i * 4 + 4), i * 5);
        out[i * 5 + 4] = p.bias![i]!;
      }
      return out;
    };
    let params: { fc: Float64Array } = { fc: flat(problem.init()) };
    let state = optimizer.init(params);
    const unflat = (w: Float64Array) => ({
      weight: Float64Array.from({ length: 12 }, (_, k) => w[Math.floor(k / 4) * 5 + (k % 4)]!),
      bias: Float64Array.from({ length: 3 }, (_, i) => w[i * 5 + 4]!),
    });
    for (let t = 0; t < 9; t++) {
      const pass = problem.pass(unflat(params.fc));
      if (pre.isUpdateStep(state[0])) {
        state = [pre.capture(state[0], 'fc', pass.input, pass.outputGrad), state[1], state[2], state[3]];
      }
      const before = state;
      const r = optimizer.update({ fc: flat(pass.grads) }, state, params);
      expect(state).toBe(before); // pure: the old state is still usable
      state = r.state;
      params = applyUpdates(params, r.updates) as { fc: Float64Array };
    }
    const classic = train(new Singd([problem.layer], options), [problem], { steps: 9 });
    expect(sameParams(unflat(params.fc), classic.params['fc']!)).toBe(true);
  });

  it('update is pure: the same state and gradients give the same result twice', () => {
    const problem = linearProblem({ inFeatures: 3, outFeatures: 2, samples: 5, seed: 8 });
    const opt = singd([problem.layer], { T: 1, lrCov: 0.1 });
    const p = problem.init();
    const pass = problem.pass(p);
    const params = { fc: new Float64Array(8) };
    const grads = { fc: Float64Array.from({ length: 8 }, (_, i) => (i - 3) / 7) };
    const s0 = opt.capture(opt.init(params), 'fc', pass.input, pass.outputGrad);
    const a = opt.step(s0, grads, params);
    const b = opt.step(s0, grads, params);
    if (a.skipped || b.skipped) throw new Error('unexpected skip');
    expect(Array.from(a.updates['fc']!)).toEqual(Array.from(b.updates['fc']!));
    expect(s0[0].step).toBe(0);
    expect(s0[0].layers['fc']!.pendingHK).toBeDefined();
    expect(a.state[0].layers['fc']!.pendingHK).toBeUndefined();
  });

  it('weight decay comes after preconditioning (spec §2.5.E3): golden example with γ = 0.1', () => {
    // spec §2.5.G: natural gradient [∇W|∇b] → [[0.25316065, 0.05023674, 0.05009787], [0.70119264, −0.60345844, 0.20048404]]
    const nat = [0.25316065, 0.05023674, 0.05009787, 0.70119264, -0.60345844, 0.20048404];
    const w = [0.5, -0.5, 0.1, 0.25, 1, -0.1];
    const gamma = 0.1;
    const lr = 1e-3;
    const opt = new Singd([{ name: 'fc', inFeatures: 2, outFeatures: 2, bias: true }], {
      lr,
      momentum: 0.9,
      weightDecay: gamma,
      T: 1,
      damping: 1e-3,
      lrCov: 1e-2,
      alpha1: 0.5,
      dtypes: f64,
    });
    opt.capture('fc', tensor([3, 2], [1, 2, 3, -1, 0, 1]), tensor([3, 2], [0.1, -0.2, 0.05, 0.3, -0.1, 0.1]));
    const r = opt.step(
      { fc: { weight: Float64Array.of(0.5, -0.5, 0.25, 1), bias: Float64Array.of(0.1, -0.1) } },
      { fc: { weight: Float64Array.of(0.25, 0.05, 0.7, -0.6), bias: Float64Array.of(0.05, 0.2) } },
    );
    if (r.skipped) throw new Error(r.reason);
    const got = [
      ...r.params['fc']!.weight.subarray(0, 2),
      r.params['fc']!.bias![0]!,
      ...r.params['fc']!.weight.subarray(2),
      r.params['fc']!.bias![1]!,
    ];
    got.forEach((v, i) => {
      const decayedAfter = w[i]! - lr * (nat[i]! + gamma * w[i]!);
      // 8 printed decimals of the natural gradient, times lr
      expect(Math.abs(v - decayedAfter)).toBeLessThan(lr * 1e-8);
    });
    // Decay before preconditioning would add lr·γ·(C Cᵀ W K Kᵀ − W), about 1e-3·0.1·5e-3 = 5e-7 here,
    // far above the 1e-11 tolerance: only decay after preconditioning passes.
  });
});
