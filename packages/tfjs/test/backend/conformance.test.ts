import type { DType } from '@singd/half';
import type { StructureSpec } from '@singd/structured-matrix';
import { conformanceChecks, describeSpec } from '@singd/structured-matrix/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { registerTfjsBackend } from '../../src/backend/index.js';

/**
 * The exported conformance suite of `@singd/structured-matrix/testing` on the `tfjs` backend,
 * with TensorFlow.js's own `cpu` backend underneath. float32 (computed by tfjs ops) runs every
 * structure with the suite's default tolerances: `toleranceFor('float32')` times the factors
 * of `CONFORMANCE_TOLERANCE_FACTORS`, none loosened. The host-fallback dtypes (float64,
 * float16: `cpu` kernels behind `tfjs` handles, mixed with float32 tensor scratch buffers)
 * run a smaller set, also with the default tolerances. Sizes: 1 and 2, primes, sizes not
 * divisible by the block size, every hierarchical partial-fill case, one Toeplitz order ≥ 48.
 */

const BASE_SIZES = [1, 2, 3, 4, 5, 7, 13];

const STRUCTURES: readonly { spec: StructureSpec; extraSizes?: number[] }[] = [
  { spec: { kind: 'dense' }, extraSizes: [31] },
  { spec: { kind: 'diagonal' } },
  { spec: { kind: 'block-diagonal', blockSize: 3 } },
  { spec: { kind: 'block-diagonal', blockSize: 30 }, extraSizes: [30, 31] },
  // (3, 2): d ≤ k1; k1 < d ≤ k1 + k2 (no middle); d > k1 + k2. (15, 15): the reference's own.
  { spec: { kind: 'hierarchical', k1: 3, k2: 2 }, extraSizes: [6] },
  { spec: { kind: 'hierarchical', k1: 15, k2: 15 }, extraSizes: [16, 31] },
  { spec: { kind: 'lower-toeplitz' }, extraSizes: [31, 50] },
  { spec: { kind: 'upper-toeplitz' }, extraSizes: [31, 50] },
  { spec: { kind: 'lower-triangular' } },
  { spec: { kind: 'upper-triangular' } },
  { spec: { kind: 'lower-bottom-right-diagonal' } },
  { spec: { kind: 'lower-top-left-diagonal' } },
  { spec: { kind: 'upper-bottom-right-diagonal' } },
  { spec: { kind: 'upper-top-left-diagonal' } },
];

const FALLBACK_DTYPES: readonly DType[] = ['float64', 'float16'];
const FALLBACK_STRUCTURES: readonly StructureSpec[] = [
  { kind: 'block-diagonal', blockSize: 3 },
  { kind: 'hierarchical', k1: 3, k2: 2 },
  { kind: 'lower-toeplitz' },
  { kind: 'upper-triangular' },
];

// Before the checks are built: they create a probe matrix, i.e. tensors, on the active backend.
await tf.setBackend('cpu');
await tf.ready();

const backend = registerTfjsBackend();
for (const { spec, extraSizes = [] } of STRUCTURES) {
  const sizes = [...BASE_SIZES, ...extraSizes];
  describe(`tfjs backend (tfjs cpu) conformance: ${describeSpec(spec)} float32`, () => {
    for (const check of conformanceChecks({
      structure: spec,
      sizes,
      dtype: 'float32',
      backend,
      numRuns: 1,
    })) {
      it(check.name, () => check.run());
    }
  });
}

for (const dtype of FALLBACK_DTYPES) {
  for (const spec of FALLBACK_STRUCTURES) {
    describe(`tfjs backend host fallback conformance: ${describeSpec(spec)} ${dtype}`, () => {
      for (const check of conformanceChecks({
        structure: spec,
        sizes: [1, 4, 7],
        dtype,
        backend,
        numRuns: 1,
      })) {
        it(check.name, () => check.run());
      }
    });
  }
}
