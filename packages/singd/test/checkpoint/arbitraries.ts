import fc from 'fast-check';
import type { HalfLeaf, StateTree } from '../../src/checkpoint/api.js';

/** Numbers including the ones JSON cannot carry: -0, NaN, ±Infinity. */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.constantFrom(
    -0,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MIN_VALUE,
    2 ** 53 + 2,
  ),
  fc.integer(),
);

/** Typed arrays with arbitrary bit patterns (NaN payloads, -0, subnormals). */
const float64Arb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })), {
    maxLength: 9,
  })
  .map((words) => new Float64Array(new Uint32Array(words.flat()).buffer));
const float32Arb = fc
  .array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 9 })
  .map((words) => new Float32Array(new Uint32Array(words).buffer));
const uint16Arb = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 9 })
  .map((v) => new Uint16Array(v));
const halfArb: fc.Arbitrary<HalfLeaf> = fc
  .tuple(fc.constantFrom('bfloat16' as const, 'float16' as const), uint16Arb)
  .map(([$half, bits]) => ({ $half, bits }));

/** A key generator that includes `$`-prefixed keys, `__proto__` and non-identifiers. */
const keyArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('$buffer', '$number', '$half', '$$x', '$', '__proto__', 'bits', 'fc1.weight', '0', '10'),
);

export const leafArb: fc.Arbitrary<StateTree> = fc.oneof(
  numberArb,
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  float64Arb,
  float32Arb,
  uint16Arb,
  halfArb,
);

export const stateTreeArb: fc.Arbitrary<StateTree> = fc.letrec<{ tree: StateTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(fc.tuple(keyArb, tie('tree')), { maxLength: 4 }).map((entries) => {
      const record: Record<string, StateTree> = {};
      for (const [key, value] of entries) {
        Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return record;
    }),
  ),
})).tree;

/** A small optimizer-like state, as the SINGD optimizer will checkpoint it. */
export function sampleState(): StateTree {
  return {
    steps: 7,
    gradScales: [
      [-1, 1],
      [0, 65536],
    ],
    options: {
      lr: 0.001,
      alpha1: 0.5,
      structures: ['dense', 'diagonal'],
      kfacLike: false,
      lossAverage: 'batch',
    },
    layers: {
      fc1: {
        K: { kind: 'dense', dtype: 'float32', storage: new Float32Array([1, 0, 0, 1]) },
        C: {
          kind: 'diagonal',
          dtype: 'bfloat16',
          storage: { $half: 'bfloat16', bits: new Uint16Array([0x3f80, 0x3f80]) },
        },
        mK: { kind: 'dense', dtype: 'float32', storage: new Float32Array([-0, Number.NaN, 0, 0]) },
        HK: null,
      },
      fc2: {
        K: {
          kind: 'diagonal',
          dtype: 'float16',
          storage: { $half: 'float16', bits: new Uint16Array([0x3c00, 0x3c00, 0x3c00]) },
        },
        C: {
          kind: 'dense',
          dtype: 'float64',
          storage: new Float64Array([1, Number.NEGATIVE_INFINITY, 0, 1]),
        },
        raw: new Uint16Array([1, 2, 3]),
      },
    },
    momentum: [new Float64Array([0.1, -0.2]), new Float32Array(3)],
  };
}
