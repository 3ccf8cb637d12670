import type { StructureSpec } from '@singd/structured-matrix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Singd } from '../../src/optimizer/singd.js';
import { maxAbs } from '../preconditioner/helpers.js';
import { convProblem, linearProblem, type Problem } from './problems.js';

const structures: StructureSpec[] = [
  { kind: 'dense' },
  { kind: 'diagonal' },
  { kind: 'block-diagonal', blockSize: 2 },
  { kind: 'hierarchical', k1: 2, k2: 1 },
  { kind: 'lower-toeplitz' },
  { kind: 'upper-triangular' },
];
const fcP = linearProblem({ inFeatures: 5, outFeatures: 4, samples: 6, seed: 61 });
const convP = convProblem({
  layout: 'NHWC',
  inChannels: 1,
  outChannels: 3,
  kernelSize: 2,
  size: 3,
  samples: 2,
  seed: 62,
});
const problems: Problem[] = [fcP, convP];
const layers = problems.map((p) => p.layer);

describe('K and C are unchanged on non-update steps (spec §2.5.F)', () => {
  it('property: for any T, structure and layer type, K, C, m_K, m_C change only on steps t mod T = 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom(...structures),
        fc.constantFrom(...structures),
        (T, sK, sC) => {
          const opt = new Singd(layers, { T, lr: 0.05, lrCov: 0.05, structures: { K: sK, C: sC } });
          let params = Object.fromEntries(problems.map((p) => [p.name, p.init()]));
          for (let t = 0; t < 2 * T + 1; t++) {
            const update = opt.isUpdateStep();
            expect(update).toBe(t % T === 0);
            const before = problems.map((p) => opt.layerState(p.name));
            const grads: Record<string, ReturnType<Problem['init']>> = {};
            for (const p of problems) {
              const pass = p.pass(params[p.name]!);
              if (update) opt.capture(p.name, pass.input, pass.outputGrad);
              grads[p.name] = pass.grads;
            }
            const r = opt.step(params, grads);
            if (r.skipped) throw new Error(r.reason);
            params = r.params;
            problems.forEach((p, i) => {
              const after = opt.layerState(p.name);
              const old = before[i]!;
              if (update) {
                expect(after.K.toRows()).not.toEqual(old.K.toRows());
              } else {
                expect(after.K.toRows()).toEqual(old.K.toRows());
                expect(after.C.toRows()).toEqual(old.C.toRows());
                expect(after.mK?.toRows()).toEqual(old.mK?.toRows());
                expect(after.mC?.toRows()).toEqual(old.mC?.toRows());
              }
            });
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('normalizeLrCov never takes a larger step than lrCov (spec §2.5.E1.9)', () => {
  it('property: K_new − K = −β·K·m_K with β = lrCov / max(1, ‖m_K‖_∞) ≤ lrCov, for any structure and input scale', () => {
    let clipped = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...structures),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 1e-3, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (spec, scale, lrCov, seed) => {
          const problem = linearProblem({
            inFeatures: 5,
            outFeatures: 4,
            samples: 6,
            seed,
            featureScales: [scale, 1, scale, 1, scale],
          });
          const opt = new Singd([problem.layer], {
            T: 1,
            lrCov,
            normalizeLrCov: true,
            structures: { K: spec, C: spec },
            dtypes: { K: 'float64', C: 'float64' },
          });
          let p = problem.init();
          for (let t = 0; t < 4; t++) {
            const before = opt.layerState('fc');
            const pass = problem.pass(p);
            opt.capture('fc', pass.input, pass.outputGrad);
            const r = opt.step({ fc: p }, { fc: pass.grads });
            if (r.skipped) throw new Error(r.reason);
            p = r.params['fc']!;
            const after = opt.layerState('fc');
            for (const [old, updated, m] of [
              [before.K, after.K, after.mK!],
              [before.C, after.C, after.mC!],
            ] as const) {
              const km = old.matmul(m).toRows();
              const delta = updated.add(old, -1).toRows();
              const beta = lrCov / Math.max(1, m.maxAbsEntry());
              if (m.maxAbsEntry() > 1) clipped++;
              expect(beta).toBeLessThanOrEqual(lrCov);
              const worst = Math.max(
                ...delta.flatMap((row, i) => row.map((v, j) => Math.abs(v + beta * km[i]![j]!))),
              );
              expect(worst).toBeLessThanOrEqual(1e-12 * (1 + maxAbs(km)));
            }
          }
        },
      ),
      { numRuns: 20 },
    );
    expect(clipped).toBeGreaterThan(0); // the clipping branch was exercised
  });
});
