import { type DType, roundTo } from '@singd/half';
import { DenseMatrix } from '@singd/structured-matrix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KFAC_DEFAULTS,
  type KfacLayer,
  type KfacOptions,
  KfacPreconditioner,
  type KfacStepOutcome,
  kfacParameterUpdate,
  resolveKfacOptions,
} from '../src/kfac.js';
import { gram, identity, inverse, matmul, random, transpose } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Dense float64 reference, written independently of the code under test.

/** `(1−β)·S + β·(U + λI)` in float64. */
function referenceUpdate(
  s: Float64Array,
  u: Float64Array,
  d: number,
  beta: number,
  damping: number,
): Float64Array {
  return s.map((v, index) => (1 - beta) * v + beta * (u[index]! + (index % (d + 1) === 0 ? damping : 0)));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = atol + rtol * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= bound)) {
      throw new Error(`entry ${i}: ${actual[i]} vs ${expected[i]} (bound ${bound})`);
    }
  }
}

function randomArray(next: () => number, length: number, scale = 1): Float64Array {
  return Float64Array.from({ length }, () => scale * (2 * next() - 1));
}

function dense(values: ArrayLike<number>, rows: number, cols: number, dtype: DType = 'float64'): DenseMatrix {
  return DenseMatrix.fromArray(values, rows, cols, dtype);
}

function preconditionedOf(outcome: KfacStepOutcome, layer: string): Float64Array {
  if (!outcome.ok) throw new Error(`step failed: ${JSON.stringify(outcome.failures)}`);
  return outcome.preconditioned.get(layer)!;
}

const fcLayer: KfacLayer = { name: 'fc', inputDimension: 3, outputDimension: 2 };

// ---------------------------------------------------------------------------------------------

describe('KfacPreconditioner in float64 against a dense reference', () => {
  it('S ← (1−β1)S + β1(U + λI) from S₀ = I, and P = S_C⁻¹ ∇ S_K⁻¹, over several steps and micro-batches', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.integer(),
        (dK, dC, rows, damping, lrCov, seed) => {
          const next = random(seed);
          const kfac = new KfacPreconditioner([{ name: 'layer', inputDimension: dK, outputDimension: dC }], {
            damping,
            lrCov,
            T: 1,
            dtype: 'float64',
          });
          let sK = identity(dK);
          let sC = identity(dC);
          for (let step = 0; step < 3; step++) {
            // Two micro-batches per step: U = Σ ÃᵀÃ.
            let uK = new Float64Array(dK * dK);
            let uC = new Float64Array(dC * dC);
            for (let micro = 0; micro < 2; micro++) {
              const a = randomArray(next, rows * dK);
              const g = randomArray(next, rows * dC);
              kfac.update('layer', dense(a, rows, dK), dense(g, rows, dC));
              uK = uK.map((v, i) => v + gram(a, rows, dK)[i]!);
              uC = uC.map((v, i) => v + gram(g, rows, dC)[i]!);
            }
            sK = referenceUpdate(sK, uK, dK, lrCov, damping);
            sC = referenceUpdate(sC, uC, dC, lrCov, damping);
            const gradient = randomArray(next, dC * dK);
            const outcome = kfac.step(new Map([['layer', gradient]]));
            const expected = matmul(
              matmul(inverse(sC, dC), gradient, dC, dC, dK),
              inverse(sK, dK),
              dC,
              dK,
              dK,
            );
            const state = kfac.state().layers[0]!;
            expectClose(state.inputCurvature, sK, 1e-12, 1e-14);
            expectClose(state.outputCurvature, sC, 1e-12, 1e-14);
            const scale = Math.max(...expected.map(Math.abs));
            expectClose(preconditionedOf(outcome, 'layer'), expected, 1e-8, 1e-10 * scale);
          }
          expect(kfac.stepCount).toBe(3);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts the gradients as a record and preconditions only the layers given', () => {
    const layers: KfacLayer[] = [fcLayer, { name: 'out', inputDimension: 2, outputDimension: 1 }];
    const kfac = new KfacPreconditioner(layers, { T: 1, dtype: 'float64', lrCov: 0.5 });
    kfac.update('fc', dense([1, 0, 1, 0, 1, 1], 2, 3), dense([1, 2, 3, 4], 2, 2));
    kfac.update('out', dense([1, 1], 1, 2), dense([2], 1, 1));
    const outcome = kfac.step({ out: Float64Array.of(1, -1) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect([...outcome.preconditioned.keys()]).toEqual(['out']);
    // Both layers' factors were updated nevertheless.
    const [fc1, out] = kfac.state().layers;
    expect(fc1!.inputCurvature[0]).toBeCloseTo(0.5 + 0.5 * (1 + 1e-3), 14);
    // S_K(out) = 0.5 I + 0.5 ([[1,1],[1,1]] + λI); S_C(out) = 0.5 + 0.5 (4 + λ).
    expectClose(out!.inputCurvature, [1.0005, 0.5, 0.5, 1.0005], 1e-15);
    expectClose(out!.outputCurvature, [2.5005], 1e-15);
    const sKInverse = inverse(out!.inputCurvature, 2);
    const expected = matmul(Float64Array.of(1, -1), sKInverse, 1, 2, 2).map((v) => v / 2.5005);
    expectClose(outcome.preconditioned.get('out')!, expected, 1e-12);
  });
});

describe('update period T', () => {
  it('changes no factor on non-update steps and uses the factors of the last update step', () => {
    const kfac = new KfacPreconditioner([fcLayer], { T: 3, dtype: 'float64', lrCov: 0.2, damping: 0.1 });
    const next = random(3);
    const gradient = randomArray(next, 6);
    for (let step = 0; step < 7; step++) {
      expect(kfac.isUpdateStep).toBe(step % 3 === 0);
      const before = kfac.state().layers[0]!;
      if (kfac.isUpdateStep)
        kfac.update('fc', dense(randomArray(next, 12), 4, 3), dense(randomArray(next, 8), 4, 2));
      const outcome = kfac.step(new Map([['fc', gradient]]));
      const after = kfac.state().layers[0]!;
      if (step % 3 !== 0) {
        expect(after.inputCurvature).toEqual(before.inputCurvature);
        expect(after.outputCurvature).toEqual(before.outputCurvature);
      } else {
        expect(after.inputCurvature).not.toEqual(before.inputCurvature);
      }
      const expected = matmul(
        matmul(inverse(after.outputCurvature, 2), gradient, 2, 2, 3),
        inverse(after.inputCurvature, 3),
        2,
        3,
        3,
      );
      expectClose(preconditionedOf(outcome, 'fc'), expected, 1e-10, 1e-12);
    }
  });

  it('rejects update() on a step that is not an update step, and a missing update() on one', () => {
    const kfac = new KfacPreconditioner([fcLayer], { T: 2, dtype: 'float64' });
    const gradient = new Float64Array(6);
    expect(() => kfac.step({ fc: gradient })).toThrow(
      /step 0 updates the factors, but no curvature was captured for layer 'fc'; call update\(\) first/,
    );
    kfac.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2));
    expect(kfac.step({ fc: gradient }).ok).toBe(true);
    expect(kfac.isUpdateStep).toBe(false);
    expect(() => kfac.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2))).toThrow(
      /layer 'fc': update\(\) at step 1, which is not an update step \(T = 2\)/,
    );
  });

  it('starts from S = I: with the first update skipped, P = ∇ (rounded to the dtype)', () => {
    const kfac = new KfacPreconditioner([fcLayer], { T: 4, dtype: 'bfloat16' });
    kfac.skipStep();
    const gradient = Float64Array.of(0.1, -0.2, 0.3, 1e-3, 7, -1 / 3);
    const outcome = kfac.step({ fc: gradient });
    expect(Array.from(preconditionedOf(outcome, 'fc'))).toEqual(
      Array.from(gradient, (x) => roundTo(x, 'bfloat16')),
    );
  });
});

describe('lrCov schedule', () => {
  it('is called with the 0-based step counter of every update step, and its value is used as β1', () => {
    const calls: number[] = [];
    const schedule = (step: number) => {
      calls.push(step);
      return 1 / (step + 2);
    };
    const kfac = new KfacPreconditioner([fcLayer], {
      T: 2,
      dtype: 'float64',
      lrCov: schedule,
      damping: 0.01,
    });
    const next = random(11);
    let sK = identity(3);
    let sC = identity(2);
    for (let step = 0; step < 6; step++) {
      if (kfac.isUpdateStep) {
        const a = randomArray(next, 6);
        const g = randomArray(next, 4);
        kfac.update('fc', dense(a, 2, 3), dense(g, 2, 2));
        sK = referenceUpdate(sK, gram(a, 2, 3), 3, 1 / (step + 2), 0.01);
        sC = referenceUpdate(sC, gram(g, 2, 2), 2, 1 / (step + 2), 0.01);
      }
      expect(kfac.step({ fc: new Float64Array(6) }).ok).toBe(true);
    }
    expect(calls).toEqual([0, 2, 4]);
    expectClose(kfac.state().layers[0]!.inputCurvature, sK, 1e-13, 1e-15);
    expectClose(kfac.state().layers[0]!.outputCurvature, sC, 1e-13, 1e-15);
  });

  it('rejects a schedule value outside [0, 1] at the step, leaving the state unchanged', () => {
    const kfac = new KfacPreconditioner([fcLayer], { lrCov: () => 1.5 });
    kfac.update('fc', dense([1, 2, 3], 1, 3, 'float32'), dense([1, 1], 1, 2, 'float32'));
    const before = kfac.state();
    expect(() => kfac.step({ fc: new Float64Array(6) })).toThrow(
      /lrCov\(0\) \(the schedule's value\) must be a finite number in \[0, 1\]; got 1.5/,
    );
    expect(kfac.state()).toEqual(before);
  });
});

describe('failures are typed outcomes and leave the state unchanged', () => {
  it('a singular factor (β1 = 1, λ = 0, Ã = 0) fails at pivot 0; skipStep() then drops the step', () => {
    const layers: KfacLayer[] = [fcLayer, { name: 'b', inputDimension: 2, outputDimension: 2 }];
    const kfac = new KfacPreconditioner(layers, { T: 1, lrCov: 1, damping: 0, dtype: 'float64' });
    kfac.update('fc', dense([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3), dense([1, 0, 0, 1], 2, 2));
    kfac.update('b', dense([0, 0, 0, 0], 2, 2), dense([1, 0, 0, 1], 2, 2));
    const before = kfac.state();
    const outcome = kfac.step({ fc: new Float64Array(6), b: Float64Array.of(1, 2, 3, 4) });
    expect(outcome).toEqual({
      ok: false,
      failures: [
        { layer: 'b', stage: 'factorisation', factor: 'K', reason: 'non-positive-pivot', pivot: 0, value: 0 },
      ],
    });
    expect(kfac.state()).toEqual(before);
    expect(kfac.stepCount).toBe(0);
    kfac.skipStep();
    const after = kfac.state();
    expect(after.step).toBe(1);
    expect(after.layers.map((l) => [l.pendingInputCurvature, l.pendingOutputCurvature])).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(after.layers.map((l) => l.inputCurvature)).toEqual(before.layers.map((l) => l.inputCurvature));
  });

  it('a KFAC-like damped factor fails to factorise in bfloat16 but not in float32 (spec §5.3)', () => {
    const next = random(1);
    const d = 8;
    const rows = 4;
    const a = randomArray(next, rows * d, 1 / Math.sqrt(rows));
    const g = randomArray(next, rows * 2);
    const layer: KfacLayer = { name: 'wide', inputDimension: d, outputDimension: 2 };
    const options: KfacOptions = { T: 1, lrCov: 1, damping: 1e-4 };
    const run = (dtype: DType) => {
      const kfac = new KfacPreconditioner([layer], { ...options, dtype });
      kfac.update('wide', dense(a, rows, d), dense(g, rows, 2));
      const before = kfac.state();
      const outcome = kfac.step({ wide: randomArray(random(2), 2 * d) });
      return { kfac, before, outcome };
    };
    const single = run('float32');
    expect(single.outcome.ok).toBe(true);
    const half = run('bfloat16');
    expect(half.outcome.ok).toBe(false);
    if (half.outcome.ok) return;
    expect(half.outcome.failures).toHaveLength(1);
    expect(half.outcome.failures[0]).toMatchObject({
      layer: 'wide',
      stage: 'factorisation',
      factor: 'K',
      reason: 'non-positive-pivot',
    });
    expect(half.kfac.state()).toEqual(half.before);
  });

  it('a NaN in the gradient is reported with its index; a NaN in a capture fails the factorisation', () => {
    const kfac = new KfacPreconditioner([fcLayer], { T: 1, dtype: 'float32' });
    kfac.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2));
    const before = kfac.state();
    const outcome = kfac.step({ fc: Float64Array.of(0, 1, 2, Number.NaN, 4, Infinity) });
    expect(outcome).toEqual({
      ok: false,
      failures: [
        {
          layer: 'fc',
          stage: 'input',
          factor: 'gradient',
          reason: 'not-finite',
          index: 3,
          value: Number.NaN,
        },
      ],
    });
    expect(kfac.state()).toEqual(before);

    const poisoned = new KfacPreconditioner([fcLayer], { T: 1, dtype: 'float32' });
    poisoned.update('fc', dense([1, 2, 3], 1, 3), dense([1, Number.NaN], 1, 2));
    const failed = poisoned.step({ fc: new Float64Array(6) });
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    // U_C = [[1, NaN], [NaN, NaN]]: column 0 meets the NaN at L_10.
    expect(failed.failures).toEqual([
      { layer: 'fc', stage: 'factorisation', factor: 'C', reason: 'not-finite', pivot: 0, value: Number.NaN },
    ]);
  });

  it('an overflow in the solve (float16) is a not-finite solve failure', () => {
    // S_K = S_C = λI with λ = 1e-3: ∇ S_K⁻¹ = 1e3·∇ overflows float16 for ∇ = 100.
    const kfac = new KfacPreconditioner([fcLayer], { T: 1, lrCov: 1, damping: 1e-3, dtype: 'float16' });
    kfac.update('fc', dense([0, 0, 0], 1, 3), dense([0, 0], 1, 2));
    const before = kfac.state();
    const outcome = kfac.step({ fc: Float64Array.of(100, 0, 0, 0, 0, 0) });
    expect(outcome).toEqual({
      ok: false,
      failures: [
        { layer: 'fc', stage: 'solve', factor: 'K', reason: 'not-finite', index: 0, value: Infinity },
      ],
    });
    expect(kfac.state()).toEqual(before);
  });
});

describe('low precision', () => {
  for (const dtype of ['float32', 'bfloat16', 'float16'] as const) {
    it(`${dtype}: factors and preconditioned gradients are ${dtype} values close to the float64 result`, () => {
      const next = random(5);
      const a = randomArray(next, 12);
      const g = randomArray(next, 8);
      const gradient = randomArray(next, 6);
      const results = (['float64', dtype] as const).map((t) => {
        const kfac = new KfacPreconditioner([fcLayer], { T: 1, lrCov: 0.5, damping: 0.5, dtype: t });
        kfac.update('fc', dense(a, 4, 3, 'float64'), dense(g, 4, 2, 'float64'));
        return { p: preconditionedOf(kfac.step({ fc: gradient }), 'fc'), state: kfac.state().layers[0]! };
      });
      const [exact, low] = results as [(typeof results)[0], (typeof results)[0]];
      for (const values of [low.p, low.state.inputCurvature, low.state.outputCurvature]) {
        for (const x of values) expect(roundTo(x, dtype)).toBe(x);
      }
      const rtol = dtype === 'float32' ? 1e-5 : dtype === 'float16' ? 2e-2 : 1e-1;
      const scale = Math.max(...exact.p.map(Math.abs));
      expectClose(low.p, exact.p, rtol, rtol * scale);
    });
  }
});

describe('IKFAC ≈ KFAC to first order in β1 (spec §2.6)', () => {
  it('one IKFAC step from K = I gives K Kᵀ = S_K⁻¹ + O(β1²)', () => {
    const d = 6;
    const next = random(21);
    const a = randomArray(next, 10 * d, 1 / Math.sqrt(10));
    const u = gram(a, 10, d);
    const damping = 0.1;
    const errors = [1e-1, 1e-2, 1e-3].map((beta) => {
      const kfac = new KfacPreconditioner([{ name: 'l', inputDimension: d, outputDimension: 1 }], {
        T: 1,
        lrCov: beta,
        damping,
        dtype: 'float64',
      });
      kfac.update('l', dense(a, 10, d), dense([1], 1, 1));
      expect(kfac.step({ l: new Float64Array(d) }).ok).toBe(true);
      const sInverse = inverse(kfac.state().layers[0]!.inputCurvature, d);
      // IKFAC from K = I: m = ½(KᵀUK + λKᵀK − I) = ½(U + (λ − 1)I), K ← K(I − β m).
      const k = identity(d).map((v, i) => v - beta * 0.5 * (u[i]! + (i % (d + 1) === 0 ? damping - 1 : 0)));
      const kkT = matmul(k, transpose(k, d, d), d, d, d);
      return Math.max(...kkT.map((v, i) => Math.abs(v - sInverse[i]!)));
    });
    // Quadratic convergence: each tenfold smaller β1 gives a ~100-fold smaller error.
    expect(errors[0]! / errors[1]!).toBeGreaterThan(50);
    expect(errors[1]! / errors[2]!).toBeGreaterThan(50);
    expect(errors[1]! / errors[2]!).toBeLessThan(200);
  });
});

describe('options', () => {
  it('fills in the defaults and reports matching capture options', () => {
    const kfac = new KfacPreconditioner([fcLayer]);
    expect(kfac.options).toEqual(KFAC_DEFAULTS);
    expect(KFAC_DEFAULTS).toEqual({
      damping: 1e-3,
      lrCov: 1e-2,
      T: 10,
      dtype: 'float32',
      approximation: 'expand',
      lossAverage: 'batch',
    });
    expect(kfac.captureOptions).toEqual({
      approximation: 'expand',
      lossAverage: 'batch',
      inputDtype: 'float32',
      outputGradientDtype: 'float32',
    });
    expect(
      resolveKfacOptions({ lossAverage: null, approximation: 'reduce', dtype: 'bfloat16' }),
    ).toMatchObject({
      lossAverage: null,
      approximation: 'reduce',
      dtype: 'bfloat16',
    });
  });

  const invalid: [KfacOptions, RegExp][] = [
    [{ damping: -1 }, /^damping must be a finite number >= 0; got -1$/],
    [{ damping: Number.NaN }, /^damping must be a finite number >= 0; got NaN$/],
    [{ damping: Infinity }, /^damping must be a finite number >= 0; got Infinity$/],
    [{ damping: '1' as unknown as number }, /^damping must be a finite number >= 0; got '1'$/],
    [{ lrCov: 1.5 }, /^lrCov must be a finite number in \[0, 1\] or a function step ↦ β1; got 1.5$/],
    [{ lrCov: -0.1 }, /^lrCov must be a finite number in \[0, 1\]/],
    [{ T: 0 }, /^T must be an integer >= 1; got 0$/],
    [{ T: 2.5 }, /^T must be an integer >= 1; got 2.5$/],
    [
      { dtype: 'float8' as DType },
      /^dtype must be one of 'float64', 'float32', 'bfloat16', 'float16'; got 'float8'$/,
    ],
    [{ approximation: 'mean' as 'expand' }, /^approximation must be one of 'expand', 'reduce'; got 'mean'$/],
    [
      { lossAverage: 'sequence' as 'batch' },
      /^lossAverage must be one of 'batch', 'batch\+sequence', null; got 'sequence'$/,
    ],
    [
      { lr_cov: 0.1 } as KfacOptions,
      /^unknown KFAC option 'lr_cov'; known options: damping, lrCov, T, dtype/,
    ],
  ];
  for (const [options, message] of invalid) {
    it(`rejects ${JSON.stringify(options)} with a RangeError naming the option`, () => {
      expect(() => new KfacPreconditioner([fcLayer], options)).toThrow(RangeError);
      expect(() => new KfacPreconditioner([fcLayer], options)).toThrow(message);
    });
  }

  it('rejects malformed layers', () => {
    expect(() => new KfacPreconditioner([fcLayer, { ...fcLayer }])).toThrow(/^duplicate layer name 'fc'$/);
    expect(() => new KfacPreconditioner([{ name: 'x', inputDimension: 0, outputDimension: 2 }])).toThrow(
      /^layer 'x': inputDimension must be an integer >= 1; got 0$/,
    );
    expect(() => new KfacPreconditioner([{ name: '', inputDimension: 1, outputDimension: 1 }])).toThrow(
      TypeError,
    );
    expect(() => new KfacPreconditioner('fc' as unknown as KfacLayer[])).toThrow(TypeError);
  });
});

describe('bad input', () => {
  const kfac = () => new KfacPreconditioner([fcLayer], { T: 1, dtype: 'float64' });

  it('names unknown layers', () => {
    expect(() => kfac().update('fc2', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2))).toThrow(
      /^unknown layer 'fc2'; known layers: 'fc'$/,
    );
    const k = kfac();
    k.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2));
    expect(() => k.step(new Map([['nope', new Float64Array(6)]]))).toThrow(/^unknown layer 'nope'/);
  });

  it('names the layer and both shapes on a shape mismatch', () => {
    const k = kfac();
    expect(() => k.update('fc', dense([1, 2, 3, 4], 2, 2), dense([1, 1], 1, 2))).toThrow(
      /^layer 'fc': processed inputs Ã are 2×2; expected rows × 3 \(d_K\)$/,
    );
    expect(() => k.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1, 1], 1, 3))).toThrow(
      /^layer 'fc': processed output gradients G̃ are 1×3; expected rows × 2 \(d_C\)$/,
    );
    k.update('fc', dense([1, 2, 3], 1, 3), dense([1, 1], 1, 2));
    expect(() => k.step({ fc: new Float64Array(5) })).toThrow(
      /^layer 'fc': gradient has shape \[5\] \(5 entries\); expected \[2, 3\] \(d_C × d_K, 6 entries, bias last column\)$/,
    );
    expect(() => k.step({ fc: [1, 2, 3, 4, 5, 6] as unknown as Float64Array })).toThrow(TypeError);
    expect(() => k.step(null as unknown as Map<string, Float64Array>)).toThrow(TypeError);
    expect(k.stepCount).toBe(0);
    expect(k.step({ fc: new Float32Array(6) }).ok).toBe(true);
  });
});

describe('kfacParameterUpdate (spec §2.5.E3)', () => {
  const params = new Map([['fc', Float64Array.of(1, -2, 0.5)]]);
  const direction = new Map([['fc', Float64Array.of(0.1, 0.2, -0.3)]]);

  it('p ← p − lr·(P + γ·p) without momentum, leaving the inputs unchanged', () => {
    const result = kfacParameterUpdate(params, direction, new Map(), { lr: 0.1, weightDecay: 0.01 });
    expectClose(
      result.params.get('fc')!,
      [1 - 0.1 * (0.1 + 0.01), -2 - 0.1 * (0.2 - 0.02), 0.5 - 0.1 * (-0.3 + 0.005)],
      1e-15,
    );
    expect(result.buffers.size).toBe(0);
    expect(Array.from(params.get('fc')!)).toEqual([1, -2, 0.5]);
  });

  it('with momentum: buf ← α2·buf + s (zeros at first), p ← p − lr·buf', () => {
    const first = kfacParameterUpdate(params, direction, new Map(), { lr: 1, momentum: 0.9 });
    expectClose(first.buffers.get('fc')!, [0.1, 0.2, -0.3], 0);
    const second = kfacParameterUpdate(first.params, direction, first.buffers, { lr: 1, momentum: 0.9 });
    expectClose(second.buffers.get('fc')!, [0.19, 0.38, -0.57], 1e-15);
    expectClose(second.params.get('fc')!, [1 - 0.1 - 0.19, -2 - 0.2 - 0.38, 0.5 + 0.3 + 0.57], 1e-15);
  });

  it('rejects bad hyper-parameters and mismatched layers', () => {
    expect(() => kfacParameterUpdate(params, direction, new Map(), { lr: -1 })).toThrow(
      /^lr must be a finite number >= 0; got -1$/,
    );
    expect(() => kfacParameterUpdate(params, direction, new Map(), { lr: 1, momentum: Number.NaN })).toThrow(
      /^momentum must be a finite number >= 0; got NaN$/,
    );
    expect(() => kfacParameterUpdate(new Map(), direction, new Map(), { lr: 1 })).toThrow(
      /^layer 'fc': no parameters to update$/,
    );
    expect(() =>
      kfacParameterUpdate(new Map([['fc', new Float64Array(2)]]), direction, new Map(), { lr: 1 }),
    ).toThrow(/parameters have 2 entries but the preconditioned gradient has 3/);
  });
});
