import { roundTo, toleranceFor } from '@singd/half';
import { DenseMatrix } from '@singd/structured-matrix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkKfacApproximation,
  checkLossAverage,
  type LinearLayer,
  processLinearCapture,
  processLinearInputs,
  processLinearOutputGradients,
  tensor,
} from '../src/index.js';
import { expectClose, gram, randomValues } from './helpers.js';

const layer = (inFeatures: number, outFeatures: number, bias: boolean): LinearLayer => ({
  name: 'fc1',
  inFeatures,
  outFeatures,
  bias,
});

const f64 = toleranceFor('float64');

describe('processLinearInputs', () => {
  it('gives identical Ã for expand and reduce on 2-D inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.integer(),
        (n, d, bias, seed) => {
          const input = tensor([n, d], randomValues(n * d, seed));
          const options = { dtype: 'float64' as const };
          const expand = processLinearInputs(layer(d, 2, bias), input, {
            ...options,
            approximation: 'expand',
          });
          const reduce = processLinearInputs(layer(d, 2, bias), input, {
            ...options,
            approximation: 'reduce',
          });
          expect(expand.shape).toEqual([n, d + (bias ? 1 : 0)]);
          expect(reduce.toFloat64Array()).toEqual(expand.toFloat64Array());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('expand flattens leading dims, appends ones and divides by √rows: ÃᵀÃ = (1/rows)·Σ a aᵀ, bias entry 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer(),
        (leading, d, bias, seed) => {
          const rows = leading.reduce((p, s) => p * s, 1);
          const raw = randomValues(rows * d, seed);
          const a = processLinearInputs(layer(d, 3, bias), tensor([...leading, d], raw), {
            approximation: 'expand',
            dtype: 'float64',
          });
          const dK = d + (bias ? 1 : 0);
          expect(a.shape).toEqual([rows, dK]);
          const augmented = new Float64Array(rows * dK);
          for (let r = 0; r < rows; r++) {
            for (let f = 0; f < d; f++) augmented[r * dK + f] = raw[r * d + f]!;
            if (bias) augmented[r * dK + d] = 1;
          }
          expectClose(
            a.toFloat64Array(),
            augmented.map((x) => x / Math.sqrt(rows)),
            f64,
          );
          const expectedA = gram(augmented, rows, dK).map((x) => x / rows);
          expectClose(gram(a.toFloat64Array(), rows, dK), expectedA, f64);
          if (bias) expect(gram(a.toFloat64Array(), rows, dK)[dK * dK - 1]).toBeCloseTo(1, 14);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reduce averages over the shared dims, then divides by √N', () => {
    const [n, r1, r2, d] = [3, 2, 4, 2];
    const raw = randomValues(n * r1 * r2 * d, 7);
    const a = processLinearInputs(layer(d, 1, true), tensor([n, r1, r2, d], raw), {
      approximation: 'reduce',
      dtype: 'float64',
    });
    expect(a.shape).toEqual([n, d + 1]);
    const expected: number[] = [];
    for (let s = 0; s < n; s++) {
      for (let f = 0; f < d; f++) {
        let total = 0;
        for (let p = 0; p < r1 * r2; p++) total += raw[(s * r1 * r2 + p) * d + f]!;
        expected.push(total / (r1 * r2) / Math.sqrt(n));
      }
      expected.push(1 / Math.sqrt(n));
    }
    expectClose(a.toFloat64Array(), expected, f64);
  });

  it('rounds the inputs to dtype first and stores Ã in dtype', () => {
    const raw = randomValues(4 * 3, 11);
    const a = processLinearInputs(layer(3, 2, false), tensor([2, 2, 3], raw), {
      approximation: 'reduce',
      dtype: 'bfloat16',
    });
    expect(a.dtype).toBe('bfloat16');
    const expected: number[] = [];
    for (let s = 0; s < 2; s++)
      for (let f = 0; f < 3; f++) {
        const mean = (roundTo(raw[s * 6 + f]!, 'bfloat16') + roundTo(raw[s * 6 + 3 + f]!, 'bfloat16')) / 2;
        expected.push(roundTo(mean / Math.SQRT2, 'bfloat16'));
      }
    expect(Array.from(a.toFloat64Array())).toEqual(expected);
    // Default dtype: float32.
    const b = processLinearInputs(layer(3, 2, false), tensor([4, 3], Float32Array.from(raw)), {
      approximation: 'expand',
    });
    expect(b.dtype).toBe('float32');
    expectClose(
      b.toFloat64Array(),
      Array.from(Float32Array.from(raw), (x) => x / 2),
      toleranceFor('float32'),
    );
  });
});

describe('processLinearOutputGradients', () => {
  const cases = [
    { approximation: 'expand', lossAverage: 'batch', rows: 8, terms: 2 },
    { approximation: 'expand', lossAverage: 'batch+sequence', rows: 8, terms: 8 },
    { approximation: 'expand', lossAverage: null, rows: 8, terms: 1 },
    { approximation: 'reduce', lossAverage: 'batch', rows: 2, terms: 2 },
    { approximation: 'reduce', lossAverage: 'batch+sequence', rows: 2, terms: 8 },
    { approximation: 'reduce', lossAverage: null, rows: 2, terms: 1 },
  ] as const;
  for (const { approximation, lossAverage, rows, terms } of cases) {
    it(`${approximation} with lossAverage ${lossAverage}: rows ${rows}, G̃ᵀG̃ = ${terms}·Σ g gᵀ`, () => {
      const [n, r, d] = [2, 4, 3];
      const raw = randomValues(n * r * d, 3);
      const g = processLinearOutputGradients(layer(2, d, true), tensor([n, r, d], raw), {
        approximation,
        lossAverage,
        dtype: 'float64',
      });
      expect(g.shape).toEqual([rows, d]);
      // Rows of the (unscaled) processed gradient: every (n, r), or the sum over r.
      const unscaled = new Float64Array(rows * d);
      for (let s = 0; s < n; s++)
        for (let p = 0; p < r; p++)
          for (let f = 0; f < d; f++) {
            const row = approximation === 'expand' ? s * r + p : s;
            unscaled[row * d + f]! += raw[(s * r + p) * d + f]!;
          }
      expectClose(
        g.toFloat64Array(),
        unscaled.map((x) => x * Math.sqrt(terms)),
        f64,
      );
      expectClose(
        gram(g.toFloat64Array(), rows, d),
        gram(unscaled, rows, d).map((x) => x * terms),
        f64,
      );
    });
  }

  it('reproduces the golden example of spec §2.5.G (H_K = ÃᵀÃ, H_C = G̃ᵀG̃ with K = C = I)', () => {
    const fc1 = layer(2, 2, true);
    const { inputs, outputGradients } = processLinearCapture(
      fc1,
      {
        input: tensor([3, 2], [1, 2, 3, -1, 0, 1]),
        outputGradient: tensor([3, 2], [0.1, -0.2, 0.05, 0.3, -0.1, 0.1]),
      },
      {
        approximation: 'expand',
        lossAverage: 'batch',
        inputDtype: 'float64',
        outputGradientDtype: 'float64',
      },
    );
    const tolerance = { rtol: 1e-7, atol: 1e-7 };
    expectClose(
      gram(inputs.toFloat64Array(), 3, 3),
      [10 / 3, -1 / 3, 4 / 3, -1 / 3, 2, 2 / 3, 4 / 3, 2 / 3, 1],
      tolerance,
    );
    expectClose(gram(outputGradients.toFloat64Array(), 3, 2), [0.0675, -0.045, -0.045, 0.42], tolerance);
    expect(inputs).toBeInstanceOf(DenseMatrix);
    expect(inputs.dtype).toBe('float64');
  });
});

describe('errors name the layer and the shapes', () => {
  const fc1 = layer(5, 3, true);
  const options = { approximation: 'expand' } as const;

  it('rejects a last dim that is not inFeatures / outFeatures', () => {
    expect(() => processLinearInputs(fc1, tensor([4, 7], new Float64Array(28)), options)).toThrow(
      "layer 'fc1': input shape [4, 7] does not match inFeatures 5 (expected [N, ..., 5])",
    );
    expect(() =>
      processLinearOutputGradients(fc1, tensor([4, 2, 4], new Float64Array(32)), {
        ...options,
        lossAverage: null,
      }),
    ).toThrow(
      "layer 'fc1': output gradient shape [4, 2, 4] does not match outFeatures 3 (expected [N, ..., 3])",
    );
  });

  it('rejects rank < 2 and zero-size dims', () => {
    expect(() => processLinearInputs(fc1, tensor([5], new Float64Array(5)), options)).toThrow(
      /layer 'fc1': input shape \[5\] does not match inFeatures 5/,
    );
    expect(() => processLinearInputs(fc1, tensor([2, 0, 5], new Float64Array(0)), options)).toThrow(
      /layer 'fc1': input shape \[2, 0, 5\] has a zero-size dimension/,
    );
  });

  it('rejects NaN and ±∞ with the multi-index, and values that overflow the dtype', () => {
    const data = new Float64Array(10);
    data[7] = Number.NaN;
    expect(() => processLinearInputs(fc1, tensor([2, 5], data), options)).toThrow(
      "layer 'fc1': input of shape [2, 5] has a non-finite entry NaN at [1, 2]",
    );
    const gradient = new Float32Array(6);
    gradient[4] = Number.NEGATIVE_INFINITY;
    expect(() =>
      processLinearOutputGradients(fc1, tensor([1, 2, 3], gradient), { ...options, lossAverage: 'batch' }),
    ).toThrow(
      "layer 'fc1': output gradient of shape [1, 2, 3] has a non-finite entry -Infinity at [0, 1, 1]",
    );
    const big = new Float64Array(5).fill(1e5);
    expect(() => processLinearInputs(fc1, tensor([1, 5], big), { ...options, dtype: 'float16' })).toThrow(
      /layer 'fc1': input of shape \[1, 5\] has an entry 100000 at \[0, 0\] that overflows float16/,
    );
  });

  it('rejects mismatched batch sizes and shared dims between input and output gradient', () => {
    const captureOptions = { approximation: 'expand', lossAverage: 'batch' } as const;
    expect(() =>
      processLinearCapture(
        fc1,
        { input: tensor([4, 5], new Float64Array(20)), outputGradient: tensor([3, 3], new Float64Array(9)) },
        captureOptions,
      ),
    ).toThrow(
      "layer 'fc1': batch sizes differ: input shape [4, 5] vs output gradient shape [3, 3] (expected [N, ..., 5] and [N, ..., 3] with the same leading dims)",
    );
    expect(() =>
      processLinearCapture(
        fc1,
        {
          input: tensor([4, 2, 5], new Float64Array(40)),
          outputGradient: tensor([4, 3], new Float64Array(12)),
        },
        captureOptions,
      ),
    ).toThrow(/layer 'fc1': shared dims differ: input shape \[4, 2, 5\] vs output gradient shape \[4, 3\]/);
  });

  it('rejects bad options, layers and tensors', () => {
    const input = tensor([2, 5], new Float64Array(10));
    expect(() => processLinearInputs(fc1, input, { approximation: 'mean' as never })).toThrow(
      new RangeError("approximation must be one of 'expand', 'reduce'; got 'mean'"),
    );
    expect(() =>
      processLinearOutputGradients(layer(5, 5, false), input, {
        approximation: 'reduce',
        lossAverage: undefined as never,
      }),
    ).toThrow(new RangeError("lossAverage must be one of 'batch', 'batch+sequence', null; got undefined"));
    expect(() => processLinearInputs(fc1, input, { ...options, dtype: 'float8' as never })).toThrow(
      TypeError,
    );
    expect(() => processLinearInputs({ ...fc1, inFeatures: 0 }, input, options)).toThrow(
      "layer 'fc1': inFeatures must be a positive integer; got 0",
    );
    expect(() => processLinearInputs(fc1, { shape: [2, 5], data: [1, 2] } as never, options)).toThrow(
      "layer 'fc1': input (shape [2, 5]) must hold a Float32Array or Float64Array; got Array(2)",
    );
    expect(() => processLinearInputs(fc1, { shape: [2, 5], data: new Float64Array(3) }, options)).toThrow(
      "layer 'fc1': input has shape [2, 5] (10 entries) but 3 data entries",
    );
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow('tensor: data has 3 entries but shape [2, 2] needs 4');
    expect(checkKfacApproximation('reduce')).toBe('reduce');
    expect(checkLossAverage(null)).toBeNull();
  });
});
