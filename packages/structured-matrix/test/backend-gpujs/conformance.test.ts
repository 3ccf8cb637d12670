import { describe, it } from 'vitest';
import type { StructureSpec } from '../../src/api.js';
import { isGlMode } from '../../src/backend/gpujs/index.js';
import { conformanceChecks, describeSpec } from '../../src/testing/index.js';
import { backendFor, TESTED_MODES, toleranceFactor } from './modes.js';

/**
 * The conformance suite of `@singd/structured-matrix/testing` on the gpujs backend, float32 (its
 * only dtype), in every available gpu.js mode. Sizes are small (kernels compile once per shape,
 * which dominates the run time) but cover 1, a non-power-of-two, and every layout case of the
 * parameterised structures (block remainder, hierarchical d ≤ k1, k1 < d ≤ k1 + k2, d > k1 + k2).
 *
 * Tolerances: gpu.js `cpu` accumulates like our cpu backend (factor 1); webasm and the GL modes
 * accumulate dot products in float32, so products over d ≤ 9 terms and the two-step
 * `Π(SᵀX XᵀS)` get the factors below (multiples of `toleranceFor('float32')`, rtol 1e-5).
 */

const STRUCTURES: readonly { spec: StructureSpec; sizes: number[] }[] = [
  { spec: { kind: 'dense' }, sizes: [1, 5] },
  { spec: { kind: 'diagonal' }, sizes: [1, 6] },
  { spec: { kind: 'block-diagonal', blockSize: 3 }, sizes: [4, 6] },
  { spec: { kind: 'hierarchical', k1: 3, k2: 2 }, sizes: [2, 4, 7] },
  { spec: { kind: 'lower-toeplitz' }, sizes: [1, 6] },
  { spec: { kind: 'upper-toeplitz' }, sizes: [5] },
  { spec: { kind: 'lower-triangular' }, sizes: [1, 5] },
  { spec: { kind: 'upper-triangular' }, sizes: [6] },
  { spec: { kind: 'lower-bottom-right-diagonal' }, sizes: [5] },
  { spec: { kind: 'lower-top-left-diagonal' }, sizes: [5] },
  { spec: { kind: 'upper-bottom-right-diagonal' }, sizes: [4] },
  { spec: { kind: 'upper-top-left-diagonal' }, sizes: [1, 5] },
];

/** Runs per size and element family (raise with SINGD_CONFORMANCE_RUNS for a deeper search). */
const NUM_RUNS = Number(process.env['SINGD_CONFORMANCE_RUNS'] ?? 1);

for (const mode of TESTED_MODES) {
  const backend = backendFor(mode);
  const inner = 9; // the largest d above
  const factor = toleranceFactor(mode, inner);
  const toleranceFactors = {
    matmul: factor,
    matmulSame: factor,
    fromInner: factor,
    fromInnerX: 2 * factor,
    fromMatInner: factor,
    reduction: toleranceFactor(mode, 32),
  };
  describe(`gpujs conformance (mode ${mode}, float32)`, () => {
    for (const { spec, sizes } of STRUCTURES) {
      describe(describeSpec(spec), () => {
        for (const check of conformanceChecks({
          structure: spec,
          // GL modes: the largest size only (a draw per kernel call, a compile per shape).
          sizes: isGlMode(mode) ? sizes.slice(-1) : sizes,
          dtype: 'float32',
          backend,
          numRuns: NUM_RUNS,
          toleranceFactors,
        })) {
          it(check.name, () => check.run());
        }
      });
    }
  });
}
