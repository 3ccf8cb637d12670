import { toleranceFor } from '@singd/half';
import {
  DenseMatrix,
  getBackend,
  project,
  type StructuredMatrix,
  type StructureSpec,
} from '@singd/structured-matrix';
import {
  allclose,
  describeMismatch,
  describeSpec,
  type Rows,
  smallSpecs,
  symmetricMatrixArbitrary,
} from '@singd/structured-matrix/testing';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTfjsBackend } from '../../src/backend/index.js';

/**
 * The `tfjs` backend equals the `cpu` backend within float32 tolerance on every structure:
 * the same symmetric M and dense X (float32 values) go through both backends, and every
 * operation's result is compared entrywise with `|tfjs − cpu| ≤ atol + rtol·(|cpu| + max|cpu|)`,
 * `toleranceFor('float32', 4)`: the two backends round in float32 but sum in different orders,
 * so the bound is relative to the result's largest entry (a norm-wise float32 bound).
 */

const TOLERANCE = toleranceFor('float32', 4);

const STRUCTURES: readonly StructureSpec[] = smallSpecs();

const cpu = getBackend('cpu');
const tfjs = registerTfjsBackend();

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function expectSame(what: string, actual: Rows, expected: Rows): void {
  const scale = Math.max(0, ...expected.flat().map(Math.abs));
  const magnitude = expected.map((row) => row.map((x) => Math.abs(x) + scale));
  const result = allclose(actual, expected, TOLERANCE, magnitude);
  if (!result.ok) expect.fail(`${what}: ${describeMismatch(result)}`);
}

/** Every operation of one structure on one backend, as rows of numbers (scalars as 1 × 1). */
function operations(spec: StructureSpec, m: Rows, x: Rows, backend: typeof cpu): Record<string, Rows> {
  const s = project(spec, DenseMatrix.fromRows(m, 'float32', backend)) as StructuredMatrix;
  const dense = DenseMatrix.fromRows(x, 'float32', backend);
  // A non-symmetric element: K = S·S − 0.5·S + I (closure), exposing transpose mistakes.
  const k = s.matmul(s).add(s, -0.5).addIdentity(1);
  return {
    'project(M)': s.toRows(),
    'K = S·S − S/2 + I': k.toRows(),
    K·X: k.matmul(dense).toRows(),
    Kᵀ·X: k.transposeMatmul(dense).toRows(),
    Xᵀ·K: k.rightMatmul(dense.transpose()).toRows(),
    Xᵀ·Kᵀ: k.rightTransposeMatmul(dense.transpose()).toRows(),
    'Π(KᵀK)': k.fromInner().toRows(),
    'Π(KᵀX XᵀK)': k.fromInner(dense).toRows(),
    K·K: k.matmul(k).toRows(),
    '2.5·K − S': k.scale(2.5).subtract(s).toRows(),
    averageTrace: [[k.averageTrace()]],
    frobeniusNorm: [[k.frobeniusNorm()]],
    maxAbsEntry: [[k.maxAbsEntry()]],
    toDense: k.toDense().toRows(),
  };
}

describe('the tfjs backend equals the cpu backend within float32 tolerance', () => {
  for (const spec of STRUCTURES) {
    it(describeSpec(spec), () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 12 }).chain((d) =>
            fc.tuple(
              symmetricMatrixArbitrary(d),
              fc.integer({ min: 1, max: 4 }).chain((n) =>
                fc.array(
                  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
                  {
                    minLength: d,
                    maxLength: d,
                  },
                ),
              ),
            ),
          ),
          ([m, x]) => {
            const want = operations(spec, m, x, cpu);
            const got = operations(spec, m, x, tfjs);
            for (const [what, rows] of Object.entries(want))
              expectSame(`${describeSpec(spec)} ${what}`, got[what]!, rows);
          },
        ),
        { numRuns: 8 },
      );
    });
  }
});
