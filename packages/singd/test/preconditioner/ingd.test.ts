import { describe, expect, it } from 'vitest';
import { accumulateCapture } from '../../src/preconditioner/capture.js';
import { initLayerState, type SingdLayerState } from '../../src/preconditioner/layer-state.js';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';
import { resolveSingdPreconditionerOptions } from '../../src/preconditioner/options.js';
import { updatePreconditioner } from '../../src/preconditioner/update.js';
import {
  avgtr,
  dense,
  eye,
  lin,
  type Mat,
  maxAbs,
  maxDiff,
  mul,
  randomMat,
  rng,
  transpose,
} from './helpers.js';

const dK = 4;
const dC = 3;
const rows = 5;

interface Ref {
  K: Mat;
  C: Mat;
  mK: Mat;
  mC: Mat;
}

/** The INGD equations of spec §2.3, written out with plain float64 matrices. */
function ingdStep(ref: Ref, a: Mat, g: Mat, lambda: number, alpha1: number, beta: number): Ref {
  const { K, C } = ref;
  const hK = mul(mul(transpose(K), mul(transpose(a), a)), K);
  const hC = mul(mul(transpose(C), mul(transpose(g), g)), C);
  const ktk = mul(transpose(K), K);
  const ctc = mul(transpose(C), C);
  const mK = lin([
    [alpha1, ref.mK],
    [0.5 * avgtr(hC), hK],
    [0.5 * lambda * avgtr(ctc), ktk],
    [-0.5, eye(dK)],
  ]);
  const mC = lin([
    [alpha1, ref.mC],
    [0.5 * avgtr(hK), hC],
    [0.5 * lambda * avgtr(ktk), ctc],
    [-0.5, eye(dC)],
  ]);
  return {
    K: mul(
      K,
      lin([
        [1, eye(dK)],
        [-beta, mK],
      ]),
    ),
    C: mul(
      C,
      lin([
        [1, eye(dC)],
        [-beta, mC],
      ]),
    ),
    mK,
    mC,
  };
}

describe('dense SINGD = INGD (spec §2.3)', () => {
  it('agrees with an independent float64 INGD over several random steps', () => {
    const next = rng(7);
    const lambda = 0.05;
    const alpha1 = 0.3;
    const beta = 0.1;
    const options = resolveSingdPreconditionerOptions({
      damping: lambda,
      alpha1,
      lrCov: beta,
      dtypes: { K: 'float64', C: 'float64' },
    });
    let state: SingdLayerState = initLayerState(dK, dC, options);
    let ref: Ref = { K: eye(dK), C: eye(dC), mK: randomMat(dK, dK, () => 0), mC: randomMat(dC, dC, () => 0) };
    for (let t = 0; t < 5; t++) {
      const a = randomMat(rows, dK, next, 0.8);
      const g = randomMat(rows, dC, next, 1.5);
      state = accumulateCapture(state, dense(a), dense(g));
      state = updatePreconditioner(state, options, { step: t });
      ref = ingdStep(ref, a, g, lambda, alpha1, beta);
      expect(maxDiff(state.K.toRows(), ref.K)).toBeLessThan(1e-12);
      expect(maxDiff(state.C.toRows(), ref.C)).toBeLessThan(1e-12);
      expect(maxDiff(state.mK?.toRows() ?? [], ref.mK)).toBeLessThan(1e-12);
      expect(maxDiff(state.mC?.toRows() ?? [], ref.mC)).toBeLessThan(1e-12);
    }
    // K, C are not symmetric after a few steps: the natural gradient needs true transposes.
    expect(maxDiff(ref.K, transpose(ref.K))).toBeGreaterThan(1e-6);
    const gamma = randomMat(dC, dK, next);
    const nat = naturalGradient(state, new Float64Array(gamma.flat()), dC, dK);
    const expected = mul(mul(mul(ref.C, transpose(ref.C)), gamma), mul(ref.K, transpose(ref.K)));
    expect(maxDiff([Array.from(nat)], [expected.flat()])).toBeLessThan(1e-12);
    const scaled = naturalGradient(state, new Float64Array(gamma.flat().map((v) => v * 8)), dC, dK, {
      gradScale: 8,
    });
    expect(maxDiff([Array.from(scaled)], [expected.flat()])).toBeLessThan(1e-12);
  });

  it('loss scaling: G̃·√s captured with s_prev = s and updated with s_t = s matches the unscaled run', () => {
    const next = rng(3);
    const options = resolveSingdPreconditionerOptions({ dtypes: { K: 'float64', C: 'float64' }, lrCov: 0.1 });
    const a = randomMat(rows, dK, next);
    const g = randomMat(rows, dC, next);
    const s = 16;
    const gs = g.map((row) => row.map((v) => v * s));
    const plain = updatePreconditioner(
      accumulateCapture(initLayerState(dK, dC, options), dense(a), dense(g)),
      options,
      { step: 0 },
    );
    const scaled = updatePreconditioner(
      accumulateCapture(initLayerState(dK, dC, options), dense(a), dense(gs), { previousGradScale: s }),
      options,
      { step: 0, gradScale: s, previousGradScale: s },
    );
    expect(maxDiff(plain.K.toRows(), scaled.K.toRows())).toBeLessThan(1e-12);
    expect(maxDiff(plain.C.toRows(), scaled.C.toRows())).toBeLessThan(1e-12);
  });

  it('accumulated captures sum; update throws without captures and does not mutate its input', () => {
    const next = rng(11);
    const options = resolveSingdPreconditionerOptions({ dtypes: { K: 'float64', C: 'float64' } });
    const s0 = initLayerState(dK, dC, options);
    expect(() => updatePreconditioner(s0, options, { step: 0 })).toThrow(/accumulateCapture/);
    const a1 = randomMat(2, dK, next);
    const a2 = randomMat(3, dK, next);
    const g1 = randomMat(2, dC, next);
    const g2 = randomMat(3, dC, next);
    const twice = accumulateCapture(accumulateCapture(s0, dense(a1), dense(g1)), dense(a2), dense(g2));
    const once = accumulateCapture(s0, dense([...a1, ...a2]), dense([...g1, ...g2]));
    expect(maxDiff(twice.pendingHK?.toRows() ?? [], once.pendingHK?.toRows() ?? [])).toBeLessThan(1e-12);
    expect(maxDiff(twice.pendingHC?.toRows() ?? [], once.pendingHC?.toRows() ?? [])).toBeLessThan(1e-12);
    expect(s0.pendingHK).toBeUndefined();
    const before = twice.K.toRows();
    updatePreconditioner(twice, options, { step: 0 });
    expect(twice.K.toRows()).toEqual(before);
    expect(twice.pendingHK).toBeDefined();
    expect(maxAbs(twice.mK?.toRows() ?? [[1]])).toBe(0);
  });
});

describe('scale invariance (spec §2.3)', () => {
  it('(U_K, U_C) → (s·U_K, U_C/s) leaves the INGD update unchanged', () => {
    const next = rng(5);
    const options = resolveSingdPreconditionerOptions({
      dtypes: { K: 'float64', C: 'float64' },
      lrCov: 0.2,
      damping: 0.01,
    });
    let plain: SingdLayerState = initLayerState(dK, dC, options);
    let scaled: SingdLayerState = plain;
    for (const [t, s] of [4, 0.01, 37].entries()) {
      const a = randomMat(rows, dK, next);
      const g = randomMat(rows, dC, next);
      const root = Math.sqrt(s);
      plain = updatePreconditioner(accumulateCapture(plain, dense(a), dense(g)), options, { step: t });
      scaled = updatePreconditioner(
        accumulateCapture(
          scaled,
          dense(a.map((r) => r.map((v) => v * root))),
          dense(g.map((r) => r.map((v) => v / root))),
        ),
        options,
        { step: t },
      );
      expect(maxDiff(plain.K.toRows(), scaled.K.toRows())).toBeLessThan(1e-12);
      expect(maxDiff(plain.C.toRows(), scaled.C.toRows())).toBeLessThan(1e-12);
    }
  });
});

describe('normalizeLrCov (spec §2.5.E1 step 9)', () => {
  it('never takes a step larger than lrCov: K_new − K = −β·K·M with β ≤ lrCov and β·max|M| ≤ lrCov', () => {
    const next = rng(9);
    const lrCov = 0.05;
    const alpha1 = 0.5;
    const options = resolveSingdPreconditionerOptions({
      dtypes: { K: 'float64', C: 'float64' },
      lrCov: () => lrCov,
      alpha1,
      normalizeLrCov: true,
    });
    let state: SingdLayerState = initLayerState(dK, dC, options);
    let clipped = 0;
    for (let t = 0; t < 6; t++) {
      const a = randomMat(rows, dK, next, 10);
      const g = randomMat(rows, dC, next, 10);
      const captured = accumulateCapture(state, dense(a), dense(g));
      const nextState = updatePreconditioner(captured, options, { step: t });
      for (const [old, updated, m] of [
        [state.K, nextState.K, nextState.mK],
        [state.C, nextState.C, nextState.mC],
      ] as const) {
        const km = mul(old.toRows(), m?.toRows() ?? []);
        const delta = lin([
          [1, updated.toRows()],
          [-1, old.toRows()],
        ]);
        const mMax = maxAbs(m?.toRows() ?? []);
        const beta = lrCov / Math.max(1, mMax);
        if (mMax > 1) clipped++;
        expect(beta).toBeLessThanOrEqual(lrCov);
        expect(maxDiff(delta, lin([[-beta, km]]))).toBeLessThan(1e-12);
        expect(maxAbs(delta)).toBeLessThanOrEqual(lrCov * maxAbs(km) + 1e-15);
      }
      // ρ = ½(1 − α1): the new term of m_K is (1 − α1)/2 · (...) (checked against dense INGD).
      const k = state.K.toRows();
      const c = state.C.toRows();
      const hK = mul(mul(transpose(k), mul(transpose(a), a)), k);
      const hC = mul(mul(transpose(c), mul(transpose(g), g)), c);
      const expectedMK = lin([
        [alpha1, state.mK?.toRows() ?? []],
        [
          0.5 * (1 - alpha1),
          lin([
            [avgtr(hC), hK],
            [1e-3 * avgtr(mul(transpose(c), c)), mul(transpose(k), k)],
            [-1, eye(dK)],
          ]),
        ],
      ]);
      expect(maxDiff(nextState.mK?.toRows() ?? [], expectedMK)).toBeLessThan(1e-9 * maxAbs(expectedMK));
      state = nextState;
    }
    expect(clipped).toBeGreaterThan(0);
  });
});
