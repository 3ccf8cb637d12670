/**
 * The `cpu` copy kernel's transposed path (tiled) against a plain loop, on matrices that span
 * several tiles with partial edge tiles, strided embedded views, alpha and accumulation.
 */
import type { DType } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatrixView } from '../../src/backend/buffer.js';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';

const backend = createCpuBackend();

describe('cpu copy kernel, transposed (tiled)', () => {
  for (const dtype of ['float64', 'float32', 'bfloat16'] as DType[]) {
    it(`equals the entry-by-entry transpose bit for bit, padding untouched (${dtype})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 75 }),
          fc.integer({ min: 1, max: 75 }),
          fc.integer({ min: 0, max: 3 }),
          fc.constantFrom(1, -1, 0.375),
          fc.boolean(),
          fc.integer({ min: 1, max: 1_000_000 }),
          (rows, cols, pad, alpha, accumulate, seed) => {
            let state = seed;
            const next = () => {
              state = (state * 1103515245 + 12345) % 2147483648;
              return state / 2147483648 - 0.5;
            };
            // x: rows × cols embedded at offset 2 with row stride cols + pad; out: cols × rows.
            const xHost = Array.from({ length: 2 + rows * (cols + pad) + pad }, next);
            const outHost = Array.from({ length: 1 + cols * (rows + pad) + pad }, next);
            const xBuffer = backend.upload(dtype, xHost);
            const outBuffer = backend.upload(dtype, outHost);
            const x: MatrixView = { buffer: xBuffer, offset: 2, rows, cols, rowStride: cols + pad };
            const out: MatrixView = {
              buffer: outBuffer,
              offset: 1,
              rows: cols,
              cols: rows,
              rowStride: rows + pad,
            };
            const xs = backend.read(xBuffer);
            const before = backend.read(outBuffer);
            backend.kernels.copy(out, x, { transpose: true, alpha, accumulate });
            const after = backend.read(outBuffer);
            // The expected store: the kernel's arithmetic in float64, stored like the kernel stores it.
            const expected = Float64Array.from(before);
            for (let i = 0; i < cols; i++) {
              for (let j = 0; j < rows; j++) {
                const at = 1 + i * (rows + pad) + j;
                const value = alpha * xs[2 + j * (cols + pad) + i]!;
                const sum = accumulate ? before[at]! + value : value;
                // Non-float64 kernels compute on float32 arrays (half outputs re-encoded on commit).
                expected[at] = dtype === 'float64' ? sum : Math.fround(sum);
              }
            }
            const rounded = backend.read(backend.upload(dtype, expected));
            expect(Array.from(after)).toEqual(Array.from(rounded));
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
