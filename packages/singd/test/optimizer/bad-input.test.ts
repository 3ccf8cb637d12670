import { tensor } from '@singd/kron-curvature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SingdOptions } from '../../src/optimizer/options.js';
import { Singd } from '../../src/optimizer/singd.js';
import { convProblem, linearProblem, type Problem } from './problems.js';
import { train } from './train.js';

const fcP = linearProblem({ name: 'fc', inFeatures: 4, outFeatures: 3, samples: 6, seed: 41 });
const convP = convProblem({
  layout: 'NCHW',
  inChannels: 2,
  outChannels: 2,
  kernelSize: 2,
  size: 3,
  samples: 2,
  seed: 42,
});
const problems: Problem[] = [fcP, convP];
const layers = problems.map((p) => p.layer);
const options: SingdOptions = { lr: 0.05, T: 1, lrCov: 0.05 };

/** An optimizer after 3 steps, its parameters, and this step's passes. */
function warmedUp(opts: SingdOptions = options) {
  const opt = new Singd(layers, opts);
  const { params } = train(opt, problems, { steps: 3 });
  const passes = Object.fromEntries(problems.map((p) => [p.name, p.pass(params[p.name]!)]));
  return { opt, params, passes };
}

const poison = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

describe('NaN/Inf in gradients or captures: the step is skipped like an overflow', () => {
  it('property: any NaN/±∞ in any gradient or capture entry skips the step, names it, and changes only the step count', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fc', 'conv'),
        fc.constantFrom('weight', 'bias', 'input', 'outputGrad'),
        fc.nat(),
        poison,
        (layer, where, position, value) => {
          const { opt, params, passes } = warmedUp();
          const before = opt.saveCheckpoint();
          const grads = Object.fromEntries(
            problems.map((p) => [
              p.name,
              { weight: passes[p.name]!.grads.weight.slice(), bias: passes[p.name]!.grads.bias!.slice() },
            ]),
          );
          for (const p of problems) {
            let { input, outputGrad } = passes[p.name]!;
            if (p.name === layer && (where === 'input' || where === 'outputGrad')) {
              const t = where === 'input' ? input : outputGrad;
              const data = Float64Array.from(t.data);
              data[position % data.length] = value;
              if (where === 'input') input = tensor(t.shape, data);
              else outputGrad = tensor(t.shape, data);
            }
            opt.capture(p.name, input, outputGrad);
          }
          if (where === 'weight' || where === 'bias') {
            const array = grads[layer]![where];
            array[position % array.length] = value;
          }
          const r = opt.step(params, grads);
          expect(r.skipped).toBe(true);
          if (!r.skipped) return;
          expect(r.reason).toContain(`layer '${layer}'`);
          expect(r.reason).toMatch(
            where === 'input' || where === 'outputGrad' ? /non-finite entry/ : /non-finite gradient/,
          );
          expect(r.reason).toContain('step 3');
          expect(opt.steps).toBe(4);
          // Everything but the step counter is as before (the pending H's are dropped).
          const after = new Singd(layers, options);
          after.loadCheckpoint(before);
          for (const p of problems) {
            expect(opt.layerState(p.name).K.toRows()).toEqual(after.layerState(p.name).K.toRows());
            expect(opt.layerState(p.name).mC?.toRows()).toEqual(after.layerState(p.name).mC?.toRows());
            expect(opt.layerState(p.name).pendingHK).toBeUndefined();
          }
          const buffers = (o: Singd) => o.currentState[1]['fc']![1].momentumBuffer['fc'];
          expect(buffers(opt)).toEqual(buffers(after));
          return;
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a capture that overflows the factor dtype (float16) skips the step and says so', () => {
    const { opt, params, passes } = warmedUp({ ...options, dtypes: { K: 'float16', C: 'float16' } });
    const input = tensor(
      passes['fc']!.input.shape,
      Float64Array.from(passes['fc']!.input.data, (v, i) => (i === 5 ? 1e6 : v)),
    );
    opt.capture('fc', input, passes['fc']!.outputGrad);
    opt.capture('conv', passes['conv']!.input, passes['conv']!.outputGrad);
    const r = opt.step(params, { fc: passes['fc']!.grads, conv: passes['conv']!.grads });
    expect(r).toEqual({
      skipped: true,
      reason:
        "layer 'fc': input of shape [6, 4] has an entry 1000000 that overflows float16 at [1, 1] at step 3",
    });
  });

  it('a capture whose H overflows the factor dtype (finite inputs) skips the step', () => {
    const { opt, params, passes } = warmedUp({ ...options, dtypes: { K: 'float16', C: 'float16' } });
    // 300² · 6 rows / 6 > 65504: Ã is finite in float16, H_K = ÃᵀÃ is not.
    const input = tensor(passes['fc']!.input.shape, new Float64Array(24).fill(300));
    opt.capture('fc', input, passes['fc']!.outputGrad);
    opt.capture('conv', passes['conv']!.input, passes['conv']!.outputGrad);
    const r = opt.step(params, { fc: passes['fc']!.grads, conv: passes['conv']!.grads });
    expect(r.skipped && r.reason).toMatch(
      /layer 'fc': the capture makes H_K non-finite in float16 at step 3/,
    );
  });
});

describe('shape mismatches name the layer and both shapes; the state is unchanged', () => {
  const cases: [string, (o: ReturnType<typeof warmedUp>) => void, RegExp][] = [
    [
      'a Linear input with the wrong feature count',
      ({ opt, passes }) => opt.capture('fc', tensor([6, 5], new Float64Array(30)), passes['fc']!.outputGrad),
      /layer 'fc'.*\[6, 5\].*inFeatures 4/,
    ],
    [
      'a Linear output gradient with another batch size',
      ({ opt, passes }) => opt.capture('fc', passes['fc']!.input, tensor([5, 3], new Float64Array(15))),
      /layer 'fc': batch sizes differ: input shape \[6, 4\] vs output gradient shape \[5, 3\]/,
    ],
    [
      'a Conv2d input in the wrong layout',
      ({ opt, passes }) =>
        opt.capture('conv', tensor([2, 3, 3, 2], new Float64Array(36)), passes['conv']!.outputGrad),
      /layer 'conv': input shape \[2, 3, 3, 2\] does not match inChannels 2 \(expected \[N, 2, H, W\]/,
    ],
    [
      'a weight gradient of the wrong size',
      ({ opt, params, passes }) =>
        opt.step(params, {
          fc: { weight: new Float64Array(11), bias: passes['fc']!.grads.bias! },
          conv: passes['conv']!.grads,
        }),
      /layer 'fc': grads weight has 11 entries; expected shape \[3, 4\] \(12 entries\)/,
    ],
    [
      'a missing bias',
      ({ opt, params, passes }) =>
        opt.step(params, { fc: { weight: passes['fc']!.grads.weight }, conv: passes['conv']!.grads }),
      /layer 'fc': grads bias has undefined; expected shape \[3\]/,
    ],
    [
      'parameters of a layer the optimizer does not know',
      ({ opt, params, passes }) =>
        opt.step(
          { ...params, bn: { weight: new Float64Array(2) } },
          { fc: passes['fc']!.grads, conv: passes['conv']!.grads },
        ),
      /params has an entry for unknown layer 'bn'; layers: 'fc', 'conv'/,
    ],
    [
      'parameters of the wrong size',
      ({ opt, params, passes }) =>
        opt.step(
          { ...params, conv: { weight: new Float64Array(3), bias: new Float64Array(2) } },
          { fc: passes['fc']!.grads, conv: passes['conv']!.grads },
        ),
      /layer 'conv': params weight has 3 entries; expected shape \[2, 8\]/,
    ],
  ];
  it.each(cases)('%s', (_, act, message) => {
    const state = warmedUp();
    const before = state.opt.saveCheckpoint();
    expect(() => act(state)).toThrow(RangeError);
    expect(() => act(state)).toThrow(message);
    expect(state.opt.saveCheckpoint()).toEqual(before);
  });

  it('capture on a non-update step and an update step without a capture are errors that change nothing', () => {
    const opt = new Singd(layers, { ...options, T: 2, overrides: { conv: { T: 1 } } });
    const params = Object.fromEntries(problems.map((p) => [p.name, p.init()]));
    const passes = Object.fromEntries(problems.map((p) => [p.name, p.pass(params[p.name]!)]));
    const grads = { fc: passes['fc']!.grads, conv: passes['conv']!.grads };
    opt.capture('conv', passes['conv']!.input, passes['conv']!.outputGrad);
    const before = opt.saveCheckpoint();
    expect(() => opt.step(params, grads)).toThrow(
      /layer 'fc': step 0 updates the preconditioner \(T = 2\) but capture\(\) was not called/,
    );
    expect(opt.saveCheckpoint()).toEqual(before);
    opt.capture('fc', passes['fc']!.input, passes['fc']!.outputGrad);
    const r = opt.step(params, grads);
    expect(r.skipped).toBe(false);
    expect(opt.isUpdateStep('fc')).toBe(false);
    expect(opt.isUpdateStep('conv')).toBe(true);
    expect(opt.isUpdateStep()).toBe(true);
    expect(() => opt.capture('fc', passes['fc']!.input, passes['fc']!.outputGrad)).toThrow(
      /capture\('fc'\): step 1 is not an update step of this layer \(T = 2\)/,
    );
    expect(() => opt.capture('nope', passes['fc']!.input, passes['fc']!.outputGrad)).toThrow(
      /unknown layer 'nope'/,
    );
    expect(() => opt.step(params, grads, { gradScale: 0 })).toThrow(
      /gradScale must be a finite number in \(0, ∞\); got 0/,
    );
  });
});
