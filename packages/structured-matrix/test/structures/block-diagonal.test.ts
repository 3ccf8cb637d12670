import type { DType } from '@singd/half';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend } from '../../src/backend/registry.js';
import { BlockDiagonalMatrix, blockDiagonalStructure } from '../../src/structures/block-diagonal.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { hierarchicalStructure } from '../../src/structures/hierarchical.js';
import {
  denseOf,
  describeStructureOperations,
  expectEqualRows,
  randomRows,
  randomSource,
  randomSymmetricRows,
  transposeRows,
} from './dense-reference.js';

const DTYPES: readonly DType[] = ['float64', 'float32', 'bfloat16', 'float16'];
const DIMENSIONS = [1, 2, 3, 4, 5, 6, 7, 10, 31];
const BLOCK_SIZES = [1, 2, 3, 30];
const backend = getBackend('cpu');

const spec = (blockSize: number) => ({ kind: 'block-diagonal', blockSize }) as const;
/** (i, j) is free iff both lie in the same block (the last, smaller block included). */
const sameBlock = (blockSize: number) => (i: number, j: number) =>
  Math.floor(i / blockSize) === Math.floor(j / blockSize);
const expectedStorage = (d: number, b: number) => Math.floor(d / b) * b * b + (d % b) ** 2;

for (const dtype of DTYPES) {
  describe(`block-diagonal ${dtype}`, () => {
    for (const d of DIMENSIONS) {
      for (const blockSize of BLOCK_SIZES) {
        describe(`d=${d} B=${blockSize}`, () => {
          describeStructureOperations({
            factory: blockDiagonalStructure,
            spec: spec(blockSize),
            d,
            dtype,
            free: sameBlock(blockSize),
            storageSize: expectedStorage(d, blockSize),
          });

          it('transpose() transposes every block (exact) and stays block-diagonal', () => {
            fc.assert(
              fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
                const random = randomSource(seed);
                const factor = () =>
                  blockDiagonalStructure.project(spec(blockSize), denseOf(randomRows(random, d, d), dtype));
                const k = factor().matmul(factor());
                const transposed = k.transpose();
                expect(transposed).toBeInstanceOf(BlockDiagonalMatrix);
                expect(transposed.spec).toEqual(k.spec);
                expectEqualRows(transposed.toRows(), transposeRows(k.toRows(), d), 'transpose');
                expectEqualRows(transposed.transpose().toRows(), k.toRows(), 'transpose twice');
              }),
              { numRuns: 4 },
            );
          });
        });
      }
    }
  });
}

describe('block-diagonal layout and examples', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('spec §3.4: B = 2 of [[1,2,3],[2,4,5],[3,5,6]] keeps blocks [[1,2],[2,4]] and [6]', () => {
    const m = DenseMatrix.fromRows(
      [
        [1, 2, 3],
        [2, 4, 5],
        [3, 5, 6],
      ],
      'float64',
    );
    const s = blockDiagonalStructure.project(spec(2), m);
    expect(s.fullBlockCount).toBe(1);
    expect(s.lastBlockSize).toBe(1);
    expect(Array.from(backend.read(s.storage))).toEqual([1, 2, 2, 4, 6]);
    expect(s.toRows()).toEqual([
      [1, 2, 0],
      [2, 4, 0],
      [0, 0, 6],
    ]);
    expect(s.parameterCount).toBe(5);
    expect(s.byteLength).toBe(40);
  });

  it('stores full blocks row-major, then the last block; d < B is one dense block', () => {
    const rows = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => 10 * i + j));
    const s = blockDiagonalStructure.project(spec(2), DenseMatrix.fromRows(rows, 'float64'));
    expect(Array.from(backend.read(s.storage))).toEqual([0, 1, 10, 11, 22, 23, 32, 33, 44]);
    const whole = blockDiagonalStructure.project(spec(30), DenseMatrix.fromRows(rows, 'float64'));
    expect(whole.fullBlockCount).toBe(0);
    expect(whole.lastBlockSize).toBe(5);
    expect(whole.toRows()).toEqual(rows);
    expect(whole.transpose().toRows()).toEqual(transposeRows(rows, 5));
  });

  it('storage is ⌊d/B⌋·B² + (d mod B)² entries of the dtype', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<DType>('float64', 'float32', 'bfloat16', 'float16'),
        (d, b, dtype) => {
          const expected = expectedStorage(d, b);
          expect(blockDiagonalStructure.storageSize(spec(b), d)).toBe(expected);
          const zero = blockDiagonalStructure.zeros(spec(b), d, dtype, backend);
          expect(zero.parameterCount).toBe(expected);
          expect(zero.byteLength).toBe(expected * { float64: 8, float32: 4, bfloat16: 2, float16: 2 }[dtype]);
          expect(zero.parameterCount).toBeLessThanOrEqual(b * d);
        },
      ),
    );
  });

  it('products use one batched gemm for the full blocks plus one for the last block, for any d', () => {
    const gemm = vi.spyOn(backend.kernels, 'gemm');
    const random = randomSource(7);
    const d = 301;
    const s = blockDiagonalStructure.project(spec(3), denseOf(randomSymmetricRows(random, d), 'float32'));
    const x = denseOf(randomRows(random, d, 4), 'float32');
    const count = (f: () => unknown) => {
      gemm.mockClear();
      f();
      return gemm.mock.calls.length;
    };
    expect(count(() => s.matmul(x))).toBe(2);
    expect(count(() => s.transposeMatmul(x))).toBe(2);
    expect(count(() => s.matmul(s))).toBe(2);
    expect(count(() => s.fromInner())).toBe(2);
    expect(count(() => s.fromInner(x))).toBe(4);
    expect(count(() => blockDiagonalStructure.fromMatInner(spec(3), x))).toBe(2);
    const batched = gemm.mock.calls.filter(([, , , options]) => options.batch !== undefined);
    expect(batched.every(([, , , options]) => options.batch?.count === 100)).toBe(true);
    // d divisible by B: no last-block call at all.
    const even = blockDiagonalStructure.project(
      spec(3),
      denseOf(randomSymmetricRows(random, 300), 'float32'),
    );
    expect(count(() => even.matmul(denseOf(randomRows(random, 300, 2), 'float32')))).toBe(1);
  });

  it('round trip: project(toDense(S)) = S (block-diagonal projection is idempotent)', () => {
    const random = randomSource(3);
    const s = blockDiagonalStructure.project(spec(3), denseOf(randomRows(random, 10, 10), 'float64'));
    expectEqualRows(blockDiagonalStructure.project(spec(3), s.toDense()).toRows(), s.toRows(), 'round trip');
  });
});

describe('block-diagonal errors', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number])(
    'blockSize %s is a RangeError naming blockSize',
    (blockSize) => {
      expect(() => blockDiagonalStructure.validate(spec(blockSize))).toThrow(RangeError);
      expect(() => blockDiagonalStructure.validate(spec(blockSize))).toThrow(/blockSize/);
      expect(() => blockDiagonalStructure.zeros(spec(blockSize), 4, 'float32', backend)).toThrow(/blockSize/);
      expect(() => new BlockDiagonalMatrix(4, blockSize, backend.allocate('float32', 16))).toThrow(
        /blockSize/,
      );
    },
  );

  it('rejects a buffer of the wrong length', () => {
    expect(() => new BlockDiagonalMatrix(5, 2, backend.allocate('float32', 8))).toThrow(
      /stores 9 entries; got 8/,
    );
  });

  it('shape mismatches name both shapes', () => {
    const s = blockDiagonalStructure.identity(spec(2), 5, 'float32', backend);
    const x = DenseMatrix.zeros(4, 3, 'float32');
    expect(() => s.matmul(x)).toThrow(RangeError);
    expect(() => s.matmul(x)).toThrow(/5×5.*4×3/);
    expect(() => s.transposeMatmul(x)).toThrow(/5×5.*4×3/);
    expect(() => s.fromInner(x)).toThrow(RangeError);
    expect(() => s.fromInner(x)).toThrow(/5 rows.*5×5.*4×3/);
    expect(() => s.rightMatmul(DenseMatrix.zeros(2, 4, 'float32'))).toThrow(/2×4.*5×5/);
  });

  it('matrices of another block size, size, structure or dtype are rejected', () => {
    const s = blockDiagonalStructure.identity(spec(2), 5, 'float32', backend);
    const otherBlock = blockDiagonalStructure.identity(spec(3), 5, 'float32', backend);
    const otherSize = blockDiagonalStructure.identity(spec(2), 6, 'float32', backend);
    expect(() => s.matmul(otherBlock)).toThrow(/"blockSize":2.*"blockSize":3/);
    expect(() => s.add(otherSize)).toThrow(/5×5.*6×6/);
    const hierarchical = hierarchicalStructure.identity(
      { kind: 'hierarchical', k1: 2, k2: 2 },
      5,
      'float32',
      backend,
    );
    expect(() => s.matmul(hierarchical as never)).toThrow(TypeError);
    expect(() => s.matmul(DenseMatrix.zeros(5, 2, 'float64'))).toThrow(/dtypes differ/);
    expect(() => s.fromInner(DenseMatrix.zeros(5, 2, 'float64'))).toThrow(/dtypes differ/);
  });
});
