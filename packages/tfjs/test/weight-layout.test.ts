/** Layout conversions and the seeded generator: round trips and exact resumption. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  augmentedWeight,
  kernelToWeight,
  SeededRandom,
  samePadding,
  splitAugmentedWeight,
  weightToKernel,
} from '../src/index.js';

const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), outputs: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, outputs }) =>
    fc.record({
      rows: fc.constant(rows),
      outputs: fc.constant(outputs),
      values: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
        minLength: rows * outputs,
        maxLength: rows * outputs,
      }),
    }),
  );

describe('weight layout', () => {
  test('kernelToWeight is the transpose of a [P, out] kernel, and weightToKernel undoes it', () => {
    fc.assert(
      fc.property(matrix, ({ rows, outputs, values }) => {
        const kernel = Float32Array.from(values);
        const weight = kernelToWeight(kernel, outputs);
        for (let p = 0; p < rows; p++)
          for (let o = 0; o < outputs; o++) expect(weight[o * rows + p]).toBe(kernel[p * outputs + o]);
        expect(weightToKernel(weight, outputs)).toEqual(kernel);
      }),
      { numRuns: 50 },
    );
  });

  test('[W | b] splits back into W and b', () => {
    fc.assert(
      fc.property(matrix, fc.boolean(), ({ outputs, values }, hasBias) => {
        const weight = Float64Array.from(values);
        const bias = hasBias ? Float64Array.from({ length: outputs }, (_, i) => i + 0.5) : null;
        const augmented = augmentedWeight(weight, bias, outputs);
        expect(augmented.length).toBe(weight.length + (hasBias ? outputs : 0));
        if (hasBias) expect(augmented[values.length / outputs]).toBe(0.5);
        expect(splitAugmentedWeight(augmented, outputs, hasBias)).toEqual({ weight, bias });
      }),
      { numRuns: 50 },
    );
  });

  test('samePadding follows tfjs: output ⌈I/s⌉, the odd pixel after', () => {
    expect(samePadding(28, 3, 2, 1)).toEqual([0, 1]);
    expect(samePadding(28, 3, 1, 1)).toEqual([1, 1]);
    expect(samePadding(6, 2, 1, 1)).toEqual([0, 1]);
    expect(samePadding(7, 3, 1, 2)).toEqual([2, 2]);
    expect(samePadding(5, 1, 2, 1)).toEqual([0, 0]);
  });
});

describe('SeededRandom', () => {
  test('a saved state resumes the sequence exactly; permutations are permutations', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 20 }), (seed, skip) => {
        const a = new SeededRandom(seed);
        for (let i = 0; i < skip; i++) a.uniform();
        const b = new SeededRandom(0, a.state);
        const drawsA = [a.uniform(), a.normal(), a.integer(7)];
        expect([b.uniform(), b.normal(), b.integer(7)]).toEqual(drawsA);
        expect(drawsA[0]).toBeGreaterThanOrEqual(0);
        expect(drawsA[0]).toBeLessThan(1);
        const p = a.permutation(9);
        expect(Array.from(p).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      }),
      { numRuns: 50 },
    );
  });
});
