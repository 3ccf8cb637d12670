import '@tensorflow/tfjs-backend-wasm';
import type { StructureSpec } from '@singd/structured-matrix';
import { conformanceChecks, describeSpec } from '@singd/structured-matrix/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerTfjsBackend } from '../../src/backend/index.js';

/**
 * A smoke subset of the conformance suite on the `tfjs` backend over TensorFlow.js's `wasm`
 * backend (XNNPACK matmul, float32), with the suite's default float32 tolerances: one
 * structure per kernel family, small sizes.
 */

const STRUCTURES: readonly StructureSpec[] = [
  { kind: 'dense' },
  { kind: 'block-diagonal', blockSize: 3 },
  { kind: 'hierarchical', k1: 3, k2: 2 },
  { kind: 'lower-toeplitz' },
  { kind: 'upper-triangular' },
  { kind: 'lower-bottom-right-diagonal' },
];

// Before the checks are built: they create a probe matrix, i.e. tensors, on the active backend.
const selected = await tf.setBackend('wasm');
await tf.ready();

const backend = registerTfjsBackend();

it('runs on the wasm backend', () => {
  expect(selected).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
});

for (const structure of STRUCTURES) {
  describe(`tfjs backend (tfjs wasm) conformance smoke: ${describeSpec(structure)} float32`, () => {
    for (const check of conformanceChecks({ structure, sizes: [1, 4, 7, 13], backend, numRuns: 1 })) {
      it(check.name, () => check.run());
    }
  });
}
