import {
  KfacPreconditioner,
  kfacParameterUpdate,
  type LinearLayer,
  processLinearCapture,
} from '@singd/kron-curvature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerParams } from '../../src/optimizer/layers.js';
import { Singd } from '../../src/optimizer/singd.js';
import { linearProblem, type Problem } from './problems.js';

/*
 * The problem (spec §5.3): least squares with more features than distinct inputs — 32 inputs
 * (+ bias), 8 samples made of 4 distinct inputs with different targets each (so the loss cannot
 * reach 0 and the output gradients do not vanish), 2 outputs. U_K = ÃᵀÃ depends only on the
 * inputs and has rank ≤ 5 in 33 dimensions, so KFAC's damped average
 * S_K = (1−β1)^t·I + (1 − (1−β1)^t)·(U_K + λI) has 28 eigenvalues that shrink to λ = 1e-4, while
 * its large ones are ≈ ‖a‖² ≈ 11. Rounding U_K and S_K to bfloat16 (8 significant bits) perturbs
 * every entry by up to 2⁻⁹ of its size, ≈ 1e-3 ≫ λ, in all 28 null directions at once: once the
 * decaying identity (1−β1)^t drops below that resolution (t ≈ 55–80 for β1 = 0.05), S_K in
 * bfloat16 is indefinite and its Cholesky factorisation meets a non-positive pivot. This does not
 * depend on the parameters (S_K is a function of the inputs, λ and β1 only) nor on the draw:
 * a scan of 51 seeds failed at steps 54–82 every time, and the property below re-checks random
 * seeds on every run. It is precision, not the problem: the same KFAC in float32 trains fine
 * (also checked). SINGD only multiplies and adds K, C near the identity, with normalizeLrCov
 * keeping each multiplicative step small; in bfloat16 it stays finite and reduces the loss
 * (in the scan: final/initial loss ≤ 0.61, largest/initial ≤ 1.19).
 */
interface Settings {
  readonly damping: number;
  readonly lrCov: number;
  readonly lr: number;
  readonly momentum: number;
}
const settings: Settings = { damping: 1e-4, lrCov: 0.05, lr: 0.1, momentum: 0.5 };
const STEPS = 200;

function problemFor(seed: number): Problem<LinearLayer> {
  return linearProblem({ inFeatures: 32, outFeatures: 2, samples: 8, distinctInputs: 4, seed });
}

/** [W | b] row-major. */
function flat(p: LayerParams, din: number, dout: number): Float64Array {
  const out = new Float64Array(dout * (din + 1));
  for (let i = 0; i < dout; i++) {
    out.set(p.weight.subarray(i * din, (i + 1) * din), i * (din + 1));
    out[i * (din + 1) + din] = p.bias![i]!;
  }
  return out;
}

function unflat(w: Float64Array, din: number, dout: number): LayerParams {
  const weight = new Float64Array(dout * din);
  const bias = new Float64Array(dout);
  for (let i = 0; i < dout; i++) {
    weight.set(w.subarray(i * (din + 1), i * (din + 1) + din), i * din);
    bias[i] = w[i * (din + 1) + din]!;
  }
  return { weight, bias };
}

/** KFAC (kron-curvature) + the E3 update, in `dtype`; the first failure, or the final loss. */
function runKfac(
  problem: Problem<LinearLayer>,
  dtype: 'bfloat16' | 'float32',
  hyper: Settings = settings,
): { failure: string | null; loss: number } {
  const din = problem.layer.inFeatures;
  const dout = problem.layer.outFeatures;
  const kfac = new KfacPreconditioner([{ name: 'fc', inputDimension: din + 1, outputDimension: dout }], {
    damping: hyper.damping,
    lrCov: hyper.lrCov,
    T: 1,
    dtype,
  });
  let p = problem.init();
  const initial = problem.pass(p).loss;
  let buffers = new Map<string, Float64Array>();
  for (let t = 0; t < STEPS; t++) {
    const pass = problem.pass(p);
    const processed = processLinearCapture(
      problem.layer,
      { input: pass.input, outputGradient: pass.outputGrad },
      kfac.captureOptions,
    );
    kfac.update('fc', processed.inputs, processed.outputGradients);
    const outcome = kfac.step({ fc: flat(pass.grads, din, dout) });
    if (!outcome.ok) {
      const f = outcome.failures[0]!;
      return { failure: `step ${t}: ${f.stage} of ${f.factor} failed (${f.reason})`, loss: Number.NaN };
    }
    const r = kfacParameterUpdate(new Map([['fc', flat(p, din, dout)]]), outcome.preconditioned, buffers, {
      lr: hyper.lr,
      momentum: hyper.momentum,
    });
    buffers = r.buffers;
    p = unflat(r.params.get('fc')!, din, dout);
    const loss = problem.pass(p).loss;
    if (!Number.isFinite(loss)) return { failure: `step ${t}: the loss is ${loss}`, loss };
    if (loss > 1e3 * initial) return { failure: `step ${t}: diverged (loss ${loss} vs ${initial})`, loss };
  }
  return { failure: null, loss: problem.pass(p).loss };
}

/** SINGD with bfloat16 K, C (and m_K, m_C); every step's loss. */
function runSingd(
  problem: Problem,
  hyper: Settings = settings,
): { losses: number[]; skipped: string[]; finite: boolean } {
  const opt = new Singd([problem.layer], {
    ...hyper,
    T: 1,
    normalizeLrCov: true,
    dtypes: { K: 'bfloat16', C: 'bfloat16' },
  });
  let p = problem.init();
  const losses: number[] = [];
  const skipped: string[] = [];
  let finite = true;
  for (let t = 0; t < STEPS; t++) {
    const pass = problem.pass(p);
    losses.push(pass.loss);
    opt.capture('fc', pass.input, pass.outputGrad);
    const r = opt.step({ fc: p }, { fc: pass.grads });
    if (r.skipped) {
      skipped.push(r.reason);
      continue;
    }
    p = r.params['fc']!;
    const state = opt.layerState('fc');
    for (const m of [state.K, state.C, state.mK!, state.mC!]) finite &&= Number.isFinite(m.maxAbsEntry());
    finite &&= [...p.weight, ...p.bias!].every(Number.isFinite);
  }
  losses.push(problem.pass(p).loss);
  return { losses, skipped, finite };
}

describe('bfloat16 preconditioners (spec §5.3): SINGD stays finite where KFAC fails', () => {
  it('property over seeds: KFAC in bfloat16 fails within 200 steps, SINGD in bfloat16 stays finite and trains', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const problem = problemFor(seed);
        const bf16 = runKfac(problem, 'bfloat16');
        expect(bf16.failure, 'KFAC in bfloat16 should fail').not.toBeNull();
        const f32 = runKfac(problem, 'float32');
        expect(f32.failure, 'the same KFAC in float32 is the control').toBeNull();
        expect(f32.loss).toBeLessThan(problem.pass(problem.init()).loss);
        const singd = runSingd(problem);
        expect(singd.skipped).toEqual([]);
        expect(singd.finite).toBe(true);
        expect(singd.losses.every(Number.isFinite)).toBe(true);
        expect(singd.losses.at(-1)!).toBeLessThan(0.9 * singd.losses[0]!);
        expect(Math.max(...singd.losses)).toBeLessThan(3 * singd.losses[0]!);
      }),
      { numRuns: 4 },
    );
  });

  it('the KFAC failure is a failed bfloat16 factorisation of S_K (seed 1)', () => {
    expect(runKfac(problemFor(1), 'bfloat16').failure).toMatch(
      /factorisation of K failed \(non-positive-pivot\)/,
    );
  });
});
