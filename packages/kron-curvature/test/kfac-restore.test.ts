/**
 * KfacPreconditioner.restore / fromState: a run restored from `state()` at any point (between
 * steps, or after the captures of an update step and before its step) continues bit for bit
 * like the uninterrupted run; states that do not fit are rejected naming every difference, and
 * the preconditioner is left unchanged.
 */
import type { DType } from '@singd/half';
import { DenseMatrix } from '@singd/structured-matrix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KfacLayer, KfacPreconditioner, type KfacState, KfacStateError } from '../src/index.js';
import { randomValues } from './helpers.js';

const LAYERS: readonly KfacLayer[] = [
  { name: 'fc1', inputDimension: 4, outputDimension: 3 },
  { name: 'fc2', inputDimension: 3, outputDimension: 2 },
];

/** The bytes of a Float64Array, so that `-0 ≠ 0` and every bit counts. */
function bits(values: Float64Array): number[] {
  return Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Deterministic captures and gradients of step `t`, micro-batch `m`, from `seed`. */
function inputsOf(layer: KfacLayer, seed: number, t: number, m: number, rows: number, dtype: DType) {
  const s = seed * 1009 + t * 31 + m * 7 + layer.inputDimension;
  return {
    a: DenseMatrix.fromArray(randomValues(rows * layer.inputDimension, s), rows, layer.inputDimension, dtype),
    g: DenseMatrix.fromArray(
      randomValues(rows * layer.outputDimension, s + 1),
      rows,
      layer.outputDimension,
      dtype,
    ),
    gradient: randomValues(layer.inputDimension * layer.outputDimension, s + 2),
  };
}

/** Step `t` of a run: captures (when an update step) then the step; returns the preconditioned gradients' bits. */
function captureStep(kfac: KfacPreconditioner, seed: number, t: number, microBatches: number): void {
  if (!kfac.isUpdateStep) return;
  for (let m = 0; m < microBatches; m++) {
    for (const layer of kfac.layers) {
      const { a, g } = inputsOf(layer, seed, t, m, 3, kfac.options.dtype);
      kfac.update(layer.name, a, g);
    }
  }
}

function finishStep(kfac: KfacPreconditioner, seed: number, t: number): number[][] {
  const gradients = new Map(
    kfac.layers.map((layer) => [layer.name, inputsOf(layer, seed, t, 0, 1, kfac.options.dtype).gradient]),
  );
  const outcome = kfac.step(gradients);
  if (!outcome.ok) throw new Error(`step ${t} failed: ${JSON.stringify(outcome.failures)}`);
  return kfac.layers.map((layer) => bits(outcome.preconditioned.get(layer.name)!));
}

function stateBits(state: KfacState): unknown {
  return {
    ...state,
    layers: state.layers.map((l) => ({
      ...l,
      inputCurvature: bits(l.inputCurvature),
      outputCurvature: bits(l.outputCurvature),
      pendingInputCurvature: l.pendingInputCurvature === null ? null : bits(l.pendingInputCurvature),
      pendingOutputCurvature: l.pendingOutputCurvature === null ? null : bits(l.pendingOutputCurvature),
    })),
  };
}

describe('restore continues bit-identically', () => {
  for (const dtype of ['float32', 'bfloat16'] as const) {
    it(`${dtype}: restored between steps or after the captures of an update step`, () => {
      fc.assert(
        fc.property(
          fc.record({
            T: fc.integer({ min: 1, max: 3 }),
            steps: fc.integer({ min: 1, max: 7 }),
            cut: fc.nat(),
            afterCaptures: fc.boolean(),
            microBatches: fc.integer({ min: 1, max: 2 }),
            lrCov: fc.constantFrom(0.1, 0.5, 1),
            seed: fc.nat(1000),
          }),
          ({ T, steps, cut: rawCut, afterCaptures, microBatches, lrCov, seed }) => {
            const cut = rawCut % steps;
            const options = { T, lrCov, damping: 0.1, dtype };
            const whole = new KfacPreconditioner(LAYERS, options);
            const expected: number[][][] = [];
            for (let t = 0; t < steps; t++) {
              captureStep(whole, seed, t, microBatches);
              expected.push(finishStep(whole, seed, t));
            }

            const first = new KfacPreconditioner(LAYERS, options);
            for (let t = 0; t < cut; t++) {
              captureStep(first, seed, t, microBatches);
              finishStep(first, seed, t);
            }
            if (afterCaptures) captureStep(first, seed, cut, microBatches);
            // A structured clone, as after writing the state to a file and reading it back.
            const saved = structuredClone(first.state());
            const resumed = KfacPreconditioner.fromState(LAYERS, options, saved);
            expect(stateBits(resumed.state())).toEqual(stateBits(first.state()));
            // The resumed run continues without the original.
            first.skipStep();
            const actual: number[][][] = [];
            for (let t = cut; t < steps; t++) {
              if (!(afterCaptures && t === cut)) captureStep(resumed, seed, t, microBatches);
              actual.push(finishStep(resumed, seed, t));
            }
            expect(actual).toEqual(expected.slice(cut));
            expect(stateBits(resumed.state())).toEqual(stateBits(whole.state()));
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('restore into an existing instance replaces its whole state and copies the arrays', () => {
    const options = { T: 2, lrCov: 0.5, damping: 0.1, dtype: 'float32' as const };
    const source = new KfacPreconditioner(LAYERS, options);
    captureStep(source, 1, 0, 1);
    finishStep(source, 1, 0);
    const saved = source.state();
    const target = new KfacPreconditioner(LAYERS, options);
    for (let t = 0; t < 3; t++) {
      captureStep(target, 2, t, 1);
      finishStep(target, 2, t);
    }
    target.restore(saved);
    expect(target.stepCount).toBe(1);
    expect(stateBits(target.state())).toEqual(stateBits(saved));
    saved.layers[0]!.inputCurvature[0] = 123;
    expect(target.state().layers[0]!.inputCurvature[0]).not.toBe(123);
    expect(finishStep(target, 1, 1)).toEqual(finishStep(source, 1, 1));
  });
});

describe('restore rejects states that do not fit, changing nothing', () => {
  const options = { T: 2, lrCov: 0.5, damping: 0.1, dtype: 'float32' as const };

  /** A trained preconditioner and a valid state of another one, to corrupt. */
  function setup() {
    const target = new KfacPreconditioner(LAYERS, options);
    captureStep(target, 3, 0, 1);
    finishStep(target, 3, 0);
    const source = new KfacPreconditioner(LAYERS, options);
    captureStep(source, 4, 0, 1);
    finishStep(source, 4, 0);
    finishStep(source, 4, 1);
    return { target, before: stateBits(target.state()), state: source.state() };
  }

  type Mutation = (state: KfacState) => unknown;
  const withLayer = (state: KfacState, index: number, change: object): KfacState => ({
    ...state,
    layers: state.layers.map((l, i) => (i === index ? { ...l, ...change } : l)),
  });
  const cases: [string, Mutation, RegExp[]][] = [
    [
      'another dtype',
      (s) => ({ ...s, dtype: 'bfloat16' }),
      [/^dtype: 'float32' expected, state has 'bfloat16'$/],
    ],
    ['a negative step', (s) => ({ ...s, step: -1 }), [/^step must be an integer >= 0; got -1$/]],
    ['a fractional step', (s) => ({ ...s, step: 1.5 }), [/^step must be an integer >= 0; got 1.5$/]],
    [
      'a renamed and a missing layer',
      (s) => ({ ...s, layers: [{ ...s.layers[0]!, name: 'fc3' }] }),
      [
        /^layer 'fc3': in the state but not a layer here$/,
        /^layer 'fc1': missing in the state$/,
        /^layer 'fc2': missing in the state$/,
      ],
    ],
    [
      'a duplicated layer',
      (s) => ({ ...s, layers: [s.layers[0]!, s.layers[0]!, s.layers[1]!] }),
      [/^layer 'fc1' appears twice in the state$/],
    ],
    [
      'other dimensions',
      (s) => withLayer(s, 1, { inputDimension: 5 }),
      [/^layer 'fc2': d_K × d_C is 3 × 2, state has 5 × 2$/],
    ],
    [
      'a factor of the wrong size',
      (s) => withLayer(s, 0, { inputCurvature: new Float64Array(9) }),
      [/^layer 'fc1': inputCurvature has 9 entries; expected 16 \(d_K × d_K = 4 × 4\)$/],
    ],
    [
      'a factor that is not a Float64Array',
      (s) => withLayer(s, 0, { outputCurvature: Float32Array.from(s.layers[0]!.outputCurvature) }),
      [/^layer 'fc1': outputCurvature must be a Float64Array; got/],
    ],
    [
      'a NaN in a factor',
      (s) => {
        const c = s.layers[1]!.outputCurvature.slice();
        c[3] = Number.NaN;
        return withLayer(s, 1, { outputCurvature: c });
      },
      [/^layer 'fc2': outputCurvature entry 3 is NaN; every entry must be finite$/],
    ],
    [
      'a value that is not float32',
      (s) => {
        const c = s.layers[0]!.inputCurvature.slice();
        c[0] = 1 + 2 ** -40;
        return withLayer(s, 0, { inputCurvature: c });
      },
      [/^layer 'fc1': inputCurvature entry 0 = 1.0000000000009095 is not a float32 value$/],
    ],
    [
      'an asymmetric factor',
      (s) => {
        const c = s.layers[0]!.inputCurvature.slice();
        c[1] = 0.25;
        return withLayer(s, 0, { inputCurvature: c });
      },
      [/^layer 'fc1': inputCurvature is not symmetric \(entry \(1, 0\) = .* but \(0, 1\) = 0.25\)$/],
    ],
    [
      'a factor that is not positive definite',
      (s) => withLayer(s, 1, { outputCurvature: Float64Array.of(1, 2, 2, 1) }),
      [
        /^layer 'fc2': outputCurvature is not positive definite in float32 \(Cholesky non-positive-pivot at pivot 1, value -3\)$/,
      ],
    ],
    [
      'pending curvature at a step that is not an update step',
      (s) => ({
        ...withLayer(s, 0, {
          pendingInputCurvature: new Float64Array(16),
          pendingOutputCurvature: new Float64Array(9),
        }),
        step: 1,
      }),
      [/^layer 'fc1': has pending curvature at step 1, which is not an update step$/],
    ],
    [
      'only one pending matrix',
      (s) => withLayer(s, 0, { pendingInputCurvature: new Float64Array(16) }),
      [
        /^layer 'fc1': pendingInputCurvature and pendingOutputCurvature must both be null or both be matrices; got a matrix and null$/,
      ],
    ],
    [
      'a non-finite pending matrix',
      (s) =>
        withLayer(s, 0, {
          pendingInputCurvature: new Float64Array(16).fill(Infinity),
          pendingOutputCurvature: new Float64Array(9),
        }),
      [/^layer 'fc1': pendingInputCurvature entry 0 is Infinity; every entry must be finite$/],
    ],
    ['not an object', () => null, [/^state must be an object \{ dtype, step, layers \}/]],
    [
      'layers not an array',
      (s) => ({ ...s, layers: 'fc1' }),
      [/^layers must be an array of layer states; got 'fc1'$/],
    ],
  ];

  for (const [what, mutate, messages] of cases) {
    it(`${what}`, () => {
      const { target, before, state } = setup();
      const bad = mutate(state) as KfacState;
      let error: unknown;
      try {
        target.restore(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KfacStateError);
      const { differences, message } = error as KfacStateError;
      expect(differences).toHaveLength(messages.length);
      messages.forEach((pattern, i) => {
        expect(differences[i]).toMatch(pattern);
      });
      expect(message).toBe(`KFAC state does not fit this preconditioner: ${differences.join('; ')}`);
      expect(stateBits(target.state())).toEqual(before);
      expect(() => KfacPreconditioner.fromState(LAYERS, options, bad)).toThrow(KfacStateError);
    });
  }

  it('lists every difference at once', () => {
    const { target, before, state } = setup();
    const bad = {
      ...withLayer(state, 1, { inputCurvature: new Float64Array(4) }),
      dtype: 'float16' as DType,
      step: -2,
    };
    expect(() => target.restore(bad)).toThrow(
      /^KFAC state does not fit this preconditioner: dtype: 'float32' expected, state has 'float16'; step must be an integer >= 0; got -2; layer 'fc2': inputCurvature has 4 entries; expected 9/,
    );
    expect(stateBits(target.state())).toEqual(before);
  });

  it('accepts the layers in any order and a state with pending curvature at an update step', () => {
    const source = new KfacPreconditioner(LAYERS, options);
    captureStep(source, 5, 0, 2);
    const state = source.state();
    expect(state.layers[0]!.pendingInputCurvature).not.toBeNull();
    const target = new KfacPreconditioner(LAYERS, options);
    target.restore({ ...state, layers: [...state.layers].reverse() });
    expect(stateBits(target.state())).toEqual(stateBits(state));
    expect(finishStep(target, 5, 0)).toEqual(finishStep(source, 5, 0));
  });
});
