/**
 * The `cpu` axpby kernel's contiguous path (both strides 1, e.g. whole storages, aliased or
 * not) against the plain formula, bit for bit.
 */
import type { DType } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VectorView } from '../../src/backend/buffer.js';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';

const backend = createCpuBackend();
const value = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => (v / 65536) * Math.PI);

describe('cpu axpby kernel, contiguous views', () => {
  for (const dtype of ['float64', 'float32', 'bfloat16'] as DType[]) {
    it(`out ← alpha·x + beta·out on stride-1 views, separate and aliased (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.array(value, { minLength: 1, maxLength: 40 }),
          fc.array(value, { minLength: 40, maxLength: 40 }),
          fc.constantFrom(0, 1, -0.5, 3),
          fc.constantFrom(0, 1, 0.25, -2),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 3 }),
          fc.boolean(),
          (xValues, outValues, alpha, beta, xOffset, outOffset, aliased) => {
            const n = xValues.length;
            const xHost = [...new Array(xOffset).fill(0.5), ...xValues, 0.75];
            const outHost = [...new Array(outOffset).fill(0.5), ...outValues.slice(0, n), 0.75];
            const outBuffer = backend.upload(dtype, outHost);
            const xBuffer = aliased ? outBuffer : backend.upload(dtype, xHost);
            const xo = aliased ? outOffset : xOffset;
            const out: VectorView = { buffer: outBuffer, offset: outOffset, length: n, stride: 1 };
            const x: VectorView = { buffer: xBuffer, offset: xo, length: n, stride: 1 };
            const xs = backend.read(xBuffer);
            const before = backend.read(outBuffer);
            backend.kernels.axpby(out, x, alpha, beta);
            const expected = Float64Array.from(before);
            for (let i = 0; i < n; i++) {
              const v = alpha * xs[xo + i]!;
              const r = beta === 0 ? v : v + beta * before[outOffset + i]!;
              expected[outOffset + i] = dtype === 'float64' ? r : Math.fround(r);
            }
            expect(Array.from(backend.read(outBuffer))).toEqual(
              Array.from(backend.read(backend.upload(dtype, expected))),
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
