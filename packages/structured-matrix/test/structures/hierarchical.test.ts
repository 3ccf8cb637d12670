import type { DType } from '@singd/half';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackend } from '../../src/backend/registry.js';
import { blockDiagonalStructure } from '../../src/structures/block-diagonal.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { HierarchicalMatrix, hierarchicalStructure } from '../../src/structures/hierarchical.js';
import {
  denseOf,
  describeStructureOperations,
  projectByPattern,
  type Rows,
  randomRows,
  randomSource,
  randomSymmetricRows,
} from './dense-reference.js';

const DTYPES: readonly DType[] = ['float64', 'float32', 'bfloat16', 'float16'];
const DIMENSIONS = [1, 2, 3, 4, 5, 6, 7, 10, 31];
const SIZES: readonly (readonly [number, number])[] = [
  [3, 2],
  [15, 15],
  [2, 3],
];
const backend = getBackend('cpu');

const spec = (k1: number, k2: number) => ({ kind: 'hierarchical', k1, k2 }) as const;

/** `(k1, m, k2)` of spec §3.3, written out independently of the implementation. */
function blockSizes(d: number, k1Max: number, k2Max: number): [number, number, number] {
  if (d <= k1Max) return [d, 0, 0];
  if (d <= k1Max + k2Max) return [k1Max, 0, d - k1Max];
  return [k1Max, d - k1Max - k2Max, k2Max];
}

/** Free pattern: the top k1 rows, the middle diagonal, and the bottom rows right of the top block. */
function freePattern(d: number, k1Max: number, k2Max: number): (i: number, j: number) => boolean {
  const [k1, m] = blockSizes(d, k1Max, k2Max);
  return (i, j) => (i < k1 ? true : i < k1 + m ? i === j : j >= k1);
}

function expectedStorage(d: number, k1Max: number, k2Max: number): number {
  const [k1, m, k2] = blockSizes(d, k1Max, k2Max);
  return k1 * k1 + k1 * (d - k1) + m + k2 * m + k2 * k2;
}

for (const dtype of DTYPES) {
  describe(`hierarchical ${dtype}`, () => {
    for (const [k1, k2] of SIZES) {
      for (const d of DIMENSIONS) {
        describe(`k1=${k1} k2=${k2} d=${d} (blocks ${blockSizes(d, k1, k2).join(', ')})`, () => {
          describeStructureOperations({
            factory: hierarchicalStructure,
            spec: spec(k1, k2),
            d,
            dtype,
            free: freePattern(d, k1, k2),
            storageSize: expectedStorage(d, k1, k2),
          });
        });
      }
    }
  });
}

describe('hierarchical layout and examples', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('spec §3.4: (3,2) with d = 3 is just A = M', () => {
    const m = [
      [1, 2, 3],
      [2, 4, 5],
      [3, 5, 6],
    ];
    const h = hierarchicalStructure.project(spec(3, 2), DenseMatrix.fromRows(m, 'float64'));
    expect([h.topSize, h.middleSize, h.bottomSize]).toEqual([3, 0, 0]);
    expect(Array.from(backend.read(h.storage))).toEqual([1, 2, 3, 2, 4, 5, 3, 5, 6]);
    expect(h.toRows()).toEqual(m);
  });

  it('the TSDoc example: (1,1) with d = 3 doubles B and D', () => {
    const h = hierarchicalStructure.project(
      spec(1, 1),
      DenseMatrix.fromRows(
        [
          [1, 2, 3],
          [2, 4, 5],
          [3, 5, 6],
        ],
        'float64',
      ),
    );
    expect(h.toRows()).toEqual([
      [1, 4, 6],
      [0, 4, 0],
      [0, 10, 6],
    ]);
  });

  it('stores A, B = [B_C | B_E], c, D, E in this order', () => {
    // d = 7, (k1, k2) = (2, 3): blocks (2, 2, 3).
    const d = 7;
    const m: Rows = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => (i + 1) * (j + 1)),
    );
    const h = hierarchicalStructure.project(spec(2, 3), DenseMatrix.fromRows(m, 'float64'));
    expect([h.topSize, h.middleSize, h.bottomSize]).toEqual([2, 2, 3]);
    const entry = (i: number, j: number) => m[i]![j]!;
    const a = [entry(0, 0), entry(0, 1), entry(1, 0), entry(1, 1)];
    const b = [0, 1].flatMap((i) => [2, 3, 4, 5, 6].map((j) => 2 * entry(i, j)));
    const c = [entry(2, 2), entry(3, 3)];
    const dPart = [4, 5, 6].flatMap((i) => [2, 3].map((j) => 2 * entry(i, j)));
    const e = [4, 5, 6].flatMap((i) => [4, 5, 6].map((j) => entry(i, j)));
    expect(Array.from(backend.read(h.storage))).toEqual([...a, ...b, ...c, ...dPart, ...e]);
    expect(h.parameterCount).toBe(4 + 10 + 2 + 6 + 9);
  });

  it.each([
    [1, [1, 0, 0]],
    [3, [3, 0, 0]],
    [4, [3, 0, 1]],
    [5, [3, 0, 2]],
    [6, [3, 1, 2]],
    [10, [3, 5, 2]],
  ] as const)('(3,2) with d = %i has blocks (k1, m, k2) = %j', (d, sizes) => {
    const h = hierarchicalStructure.zeros(spec(3, 2), d, 'float32', backend);
    expect([h.topSize, h.middleSize, h.bottomSize]).toEqual(sizes);
    expect(h.k1).toBe(3);
    expect(h.k2).toBe(2);
    expect(h.spec).toEqual(spec(3, 2));
  });

  it('storage of (15,15): d² (d ≤ 15), 15d + (d−15)² (d ≤ 30), 31d − 255 (d > 30)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), (d) => {
        const expected = d <= 15 ? d * d : d <= 30 ? 15 * d + (d - 15) ** 2 : 31 * d - 255;
        expect(hierarchicalStructure.storageSize(spec(15, 15), d)).toBe(expected);
        const h = hierarchicalStructure.zeros(spec(15, 15), d, 'bfloat16', backend);
        expect(h.parameterCount).toBe(expected);
        expect(h.byteLength).toBe(2 * expected);
      }),
    );
  });

  it('project is no inverse of toDense: it doubles B and D again (spec §9 item 2)', () => {
    const random = randomSource(11);
    const d = 10;
    const s = hierarchicalStructure.project(spec(3, 2), denseOf(randomSymmetricRows(random, d), 'float64'));
    const free = freePattern(d, 3, 2);
    const again = hierarchicalStructure.project(spec(3, 2), s.toDense()).toRows();
    s.toRows().forEach((row, i) => {
      row.forEach((value, j) => {
        const mirrored = free(i, j) && i !== j && !free(j, i);
        expect(again[i]![j]).toBe(mirrored ? 2 * value : value);
      });
    });
  });

  it('the dense Π rule (projectByPattern) matches the spec §3.3 formulas', () => {
    const random = randomSource(5);
    const d = 10;
    const m = randomSymmetricRows(random, d);
    const projected = projectByPattern(m, freePattern(d, 3, 2));
    // A = M[:3,:3], B = 2·M[:3,3:], c = diag(M)[3:8], D = 2·M[8:,3:8], E = M[8:,8:].
    expect(projected[1]![2]).toBe(m[1]![2]);
    expect(projected[1]![9]).toBe(2 * m[1]![9]!);
    expect(projected[5]![5]).toBe(m[5]![5]);
    expect(projected[5]![6]).toBe(0);
    expect(projected[5]![1]).toBe(0);
    expect(projected[9]![4]).toBe(2 * m[9]![4]!);
    expect(projected[9]![8]).toBe(m[9]![8]);
    expect(projected[9]![0]).toBe(0);
  });

  it('the number of kernel calls does not grow with d', () => {
    const calls = (d: number) => {
      const random = randomSource(d);
      const h = hierarchicalStructure.project(spec(3, 2), denseOf(randomSymmetricRows(random, d), 'float32'));
      const x = denseOf(randomRows(random, d, 3), 'float32');
      const spies = (['gemm', 'scaleRows', 'scaleColumns', 'copy', 'multiply'] as const).map((name) =>
        vi.spyOn(backend.kernels, name),
      );
      h.matmul(x);
      h.transposeMatmul(x);
      h.matmul(h);
      h.fromInner(x);
      h.fromInner();
      hierarchicalStructure.fromMatInner(spec(3, 2), x);
      const total = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
      vi.restoreAllMocks();
      return total;
    };
    expect(calls(400)).toBe(calls(20));
  });

  it('d = 0 is the empty matrix', () => {
    const h = hierarchicalStructure.identity(spec(3, 2), 0, 'float32', backend);
    expect(h.toRows()).toEqual([]);
    expect(h.parameterCount).toBe(0);
    expect(h.matmul(DenseMatrix.zeros(0, 2, 'float32')).shape).toEqual([0, 2]);
    expect(h.fromInner().parameterCount).toBe(0);
    expect(h.averageTrace()).toBe(0);
    const b = blockDiagonalStructure.identity(
      { kind: 'block-diagonal', blockSize: 3 },
      0,
      'float32',
      backend,
    );
    expect(b.toRows()).toEqual([]);
    expect(b.transposeMatmul(DenseMatrix.zeros(0, 2, 'float32')).shape).toEqual([0, 2]);
  });

  it('has no transpose(): the transposed pattern is not hierarchical', () => {
    const h = hierarchicalStructure.identity(spec(3, 2), 6, 'float32', backend);
    expect('transpose' in h).toBe(false);
  });
});

describe('hierarchical errors', () => {
  it.each([
    [0, 2, /k1/],
    [3, 0, /k2/],
    [1.5, 2, /k1/],
    [3, -2, /k2/],
    [Number.NaN, 2, /k1/],
  ])('k1 = %s, k2 = %s is a RangeError naming the parameter', (k1, k2, name) => {
    expect(() => hierarchicalStructure.validate(spec(k1, k2))).toThrow(RangeError);
    expect(() => hierarchicalStructure.validate(spec(k1, k2))).toThrow(name);
    expect(() => hierarchicalStructure.zeros(spec(k1, k2), 4, 'float32', backend)).toThrow(name);
    expect(() => new HierarchicalMatrix(4, k1, k2, backend.allocate('float32', 16))).toThrow(name);
  });

  it('rejects a buffer of the wrong length', () => {
    expect(() => new HierarchicalMatrix(10, 3, 2, backend.allocate('float32', 10))).toThrow(
      /stores 49 entries; got 10/,
    );
  });

  it('shape mismatches name both shapes', () => {
    const h = hierarchicalStructure.identity(spec(3, 2), 6, 'float32', backend);
    const x = DenseMatrix.zeros(5, 2, 'float32');
    expect(() => h.matmul(x)).toThrow(RangeError);
    expect(() => h.matmul(x)).toThrow(/6×6.*5×2/);
    expect(() => h.transposeMatmul(x)).toThrow(/6×6.*5×2/);
    expect(() => h.fromInner(x)).toThrow(/6 rows.*6×6.*5×2/);
    expect(() => h.rightTransposeMatmul(DenseMatrix.zeros(2, 5, 'float32'))).toThrow(/2×5.*6×6/);
  });

  it('matrices of other block sizes, sizes or dtypes are rejected', () => {
    const h = hierarchicalStructure.identity(spec(3, 2), 6, 'float32', backend);
    expect(() => h.matmul(hierarchicalStructure.identity(spec(2, 3), 6, 'float32', backend))).toThrow(
      /"k1":3,"k2":2.*"k1":2,"k2":3/,
    );
    expect(() => h.addInPlace(hierarchicalStructure.identity(spec(3, 2), 7, 'float32', backend))).toThrow(
      /6×6.*7×7/,
    );
    expect(() => h.matmul(hierarchicalStructure.identity(spec(3, 2), 6, 'float16', backend))).toThrow(
      /dtypes differ/,
    );
    expect(() => h.fromInner(DenseMatrix.zeros(6, 2, 'float64'))).toThrow(/dtypes differ/);
    const block = blockDiagonalStructure.identity(
      { kind: 'block-diagonal', blockSize: 2 },
      6,
      'float32',
      backend,
    );
    expect(() => h.matmul(block as never)).toThrow(TypeError);
  });
});
