import { isClose, type Tolerance } from '@singd/half';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ParameterArray, Parameters } from '../../src/transforms/api.js';

const value = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });

/** Random parameters plus `steps` gradients of matching names and lengths (float64). */
export function problem(steps: number) {
  return fc
    .uniqueArray(fc.constantFrom('w', 'b', 'layer.weight', 'layer.bias', 'x'), { minLength: 1, maxLength: 3 })
    .chain((names) =>
      fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), fc.integer({ min: 1, max: 6 })))),
    )
    .chain((shapes) => {
      const parameters = (): fc.Arbitrary<Parameters> =>
        fc
          .tuple(...shapes.map(([, n]) => fc.array(value, { minLength: n, maxLength: n })))
          .map((arrays) =>
            Object.fromEntries(shapes.map(([name], i) => [name, Float64Array.from(arrays[i]!)])),
          );
      return fc.record({
        params: parameters(),
        grads: fc.array(parameters(), { minLength: steps, maxLength: steps }),
      });
    });
}

/** A deep copy of named arrays. */
export function copy(params: Parameters): Record<string, ParameterArray> {
  return Object.fromEntries(Object.entries(params).map(([name, a]) => [name, a.slice()]));
}

/** Every entry of `actual` close to `expected` (same names, lengths). */
export function expectClose(
  actual: Parameters,
  expected: Readonly<Record<string, ArrayLike<number>>>,
  tolerance: Tolerance,
): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) {
    const a = actual[name]!;
    const e = expected[name]!;
    expect(a.length).toBe(e.length);
    for (let i = 0; i < e.length; i++) {
      if (!isClose(a[i]!, e[i]!, tolerance)) {
        throw new Error(`${name}[${i}]: ${a[i]} is not close to ${e[i]} (${JSON.stringify(tolerance)})`);
      }
    }
  }
}
