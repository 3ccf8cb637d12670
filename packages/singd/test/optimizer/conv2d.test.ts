import { processConv2dCapture, tensor } from '@singd/kron-curvature';
import { describe, expect, it } from 'vitest';
import type { LayerParams } from '../../src/optimizer/layers.js';
import { Singd } from '../../src/optimizer/singd.js';
import { accumulateCapture } from '../../src/preconditioner/capture.js';
import { initLayerState } from '../../src/preconditioner/layer-state.js';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';
import { resolveSingdPreconditionerOptions } from '../../src/preconditioner/options.js';
import { updatePreconditioner } from '../../src/preconditioner/update.js';
import { convProblem, maxParamAbs, maxParamDiff } from './problems.js';
import { train } from './train.js';

const f64 = { K: 'float64', C: 'float64' } as const;
const shape = { inChannels: 2, outChannels: 3, kernelSize: 3, size: 5, samples: 4, seed: 3 } as const;

describe('Singd on Conv2d layers', () => {
  it.each(['NCHW', 'NHWC'] as const)('reduces the loss of a %s least-squares problem', (layout) => {
    const problem = convProblem({ ...shape, layout });
    const opt = new Singd([problem.layer], { lr: 0.1, lrCov: 0.05, T: 2, damping: 1e-3 });
    const { losses, params } = train(opt, [problem], { steps: 40 });
    const final = problem.pass(params['conv']!).loss;
    expect(final).toBeLessThan(0.5 * losses[0]!);
  });

  it('step 0 equals the spec pipeline: processConv2dCapture → E1 → E2 → E3 (float64)', () => {
    const problem = convProblem({ ...shape, layout: 'NHWC', padding: 1, stride: 2 });
    const options = { lr: 0.3, momentum: 0.5, weightDecay: 0.01, T: 1, lrCov: 0.1, dtypes: f64 } as const;
    const opt = new Singd([problem.layer], options);
    const p0 = problem.init();
    const pass = problem.pass(p0);
    opt.capture('conv', pass.input, pass.outputGrad);
    const r = opt.step({ conv: p0 }, { conv: pass.grads });
    if (r.skipped) throw new Error(r.reason);
    // by hand: dK = 2·3·3 + 1, dC = 3
    const dK = 19;
    const dC = 3;
    const pre = resolveSingdPreconditionerOptions({ lrCov: 0.1, dtypes: f64 });
    const processed = processConv2dCapture(
      problem.layer,
      { input: pass.input, outputGradient: pass.outputGrad },
      {
        approximation: 'expand',
        lossAverage: 'batch',
        inputDtype: 'float64',
        outputGradientDtype: 'float64',
      },
    );
    const state = updatePreconditioner(
      accumulateCapture(initLayerState(dK, dC, pre), processed.inputs, processed.outputGradients),
      pre,
      { step: 0 },
    );
    const gamma = new Float64Array(dC * dK);
    const w = new Float64Array(dC * dK);
    for (let o = 0; o < dC; o++) {
      for (let f = 0; f < 18; f++) {
        gamma[o * dK + f] = pass.grads.weight[o * 18 + f]!;
        w[o * dK + f] = p0.weight[o * 18 + f]!;
      }
      gamma[o * dK + 18] = pass.grads.bias![o]!;
      w[o * dK + 18] = p0.bias![o]!;
    }
    const nat = naturalGradient(state, gamma, dC, dK);
    const expected: LayerParams = { weight: new Float64Array(dC * 18), bias: new Float64Array(dC) };
    for (let o = 0; o < dC; o++) {
      for (let f = 0; f <= 18; f++) {
        // momentum buffer starts at 0, so the first step is p − lr·(nat + γ·p)
        const v = w[o * dK + f]! - 0.3 * (nat[o * dK + f]! + 0.01 * w[o * dK + f]!);
        if (f < 18) expected.weight[o * 18 + f] = v;
        else expected.bias![o] = v;
      }
    }
    expect(maxParamDiff(r.params['conv']!, expected)).toBeLessThan(1e-14 * (1 + maxParamAbs(expected)));
  });

  it('NCHW and NHWC train identically up to the patch-feature permutation (c,i,j) ↔ (i,j,c)', () => {
    const nchw = convProblem({ ...shape, layout: 'NCHW' });
    const nhwc = convProblem({ ...shape, layout: 'NHWC' });
    const { inChannels: cin, outChannels: cout, kernelSize: k } = shape;
    const patch = cin * k * k;
    // feature (c, i, j): NCHW column (c·k + i)·k + j, NHWC column (i·k + j)·cin + c
    const toNhwc = (p: LayerParams): LayerParams => {
      const weight = new Float64Array(p.weight.length);
      for (let o = 0; o < cout; o++)
        for (let c = 0; c < cin; c++)
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++)
              weight[o * patch + (i * k + j) * cin + c] = p.weight[o * patch + (c * k + i) * k + j]!;
      return { weight, bias: p.bias!.slice() };
    };
    const options = { lr: 0.1, lrCov: 0.05, T: 2, dtypes: f64 } as const;
    const start = nchw.init();
    // Same data: targets depend only on the seed; check the losses agree at the start.
    expect(nhwc.pass(toNhwc(start)).loss).toBeCloseTo(nchw.pass(start).loss, 12);
    const a = train(new Singd([nchw.layer], options), [nchw], { steps: 12 }, { conv: start });
    const b = train(new Singd([nhwc.layer], options), [nhwc], { steps: 12 }, { conv: toNhwc(start) });
    expect(maxParamDiff(toNhwc(a.params['conv']!), b.params['conv']!)).toBeLessThan(1e-12);
  });

  it('rejects a capture whose output gradient does not fit the input, naming the layer and both shapes', () => {
    const problem = convProblem({ ...shape, layout: 'NCHW' });
    const opt = new Singd([problem.layer], { T: 1 });
    const pass = problem.pass(problem.init());
    const wrong = tensor([4, 3, 2, 2], new Float64Array(48));
    expect(() => opt.capture('conv', pass.input, wrong)).toThrow(
      /layer 'conv'.*\[4, 2, 5, 5\].*\[4, 3, 2, 2\]/,
    );
    expect(opt.layerState('conv').pendingHK).toBeUndefined();
    expect(() =>
      opt.step(
        { conv: problem.init() },
        { conv: { weight: new Float64Array(3 * 17), bias: pass.grads.bias! } },
      ),
    ).toThrow(/layer 'conv'.*51 entries.*\[3, 18\]/);
  });
});
