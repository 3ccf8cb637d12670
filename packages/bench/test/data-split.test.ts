import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_COUNT, classCounts, IMAGE_PIXELS, type LabelledImages } from '../src/data-images.js';
import { loadMnist } from '../src/data-mnist.js';
import { seededPermutation, splitTrainTest } from '../src/data-split.js';

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('seededPermutation', () => {
  it('is a permutation of 0…n−1, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (n, seed) => {
        const order = seededPermutation(n, seed);
        expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(seededPermutation(n, seed)).toEqual(order);
      }),
      { numRuns: 50 },
    );
  });

  it('differs between seeds (n = 1000)', () => {
    expect(seededPermutation(1000, 1)).not.toEqual(seededPermutation(1000, 2));
  });

  it('rejects a bad length', () => {
    expect(() => seededPermutation(-1, 0)).toThrow(RangeError);
    expect(() => seededPermutation(2.5, 0)).toThrow('n must be a non-negative integer; got 2.5');
  });
});

describe('splitTrainTest on MNIST', () => {
  let mnist: LabelledImages;
  beforeAll(async () => {
    mnist = await loadMnist();
  });

  it('loads the 10,000 digits of the mnist package with their per-class counts', () => {
    expect(mnist.count).toBe(10_000);
    expect(mnist.images.length).toBe(10_000 * IMAGE_PIXELS);
    expect(classCounts(mnist)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const value of mnist.images) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('gives the same split for the same seed and a different one for another seed', () => {
    const a = splitTrainTest(mnist, { trainSize: 800, testSize: 200, seed: 7 });
    const b = splitTrainTest(mnist, { trainSize: 800, testSize: 200, seed: 7 });
    const c = splitTrainTest(mnist, { trainSize: 800, testSize: 200, seed: 8 });
    expect(sameBytes(b.train.images, a.train.images)).toBe(true);
    expect(sameBytes(b.test.images, a.test.images)).toBe(true);
    expect(sameBytes(b.train.labels, a.train.labels)).toBe(true);
    expect(sameBytes(b.test.labels, a.test.labels)).toBe(true);
    expect(sameBytes(c.train.labels, a.train.labels)).toBe(false);
    expect(sameBytes(c.train.images, a.train.images)).toBe(false);
  });

  it('keeps training and test images disjoint and intact', () => {
    const { train, test } = splitTrainTest(mnist, { trainSize: 600, testSize: 200, seed: 3 });
    const key = (data: LabelledImages, i: number) =>
      `${data.labels[i]}:${Buffer.from(data.images.buffer, data.images.byteOffset + i * IMAGE_PIXELS * 4, IMAGE_PIXELS * 4).toString('base64')}`;
    const source = new Set(Array.from({ length: mnist.count }, (_, i) => key(mnist, i)));
    const trainKeys = Array.from({ length: train.count }, (_, i) => key(train, i));
    const testKeys = Array.from({ length: test.count }, (_, i) => key(test, i));
    for (const k of [...trainKeys, ...testKeys]) expect(source.has(k)).toBe(true);
    const trainSet = new Set(trainKeys);
    expect(testKeys.filter((k) => trainSet.has(k))).toEqual([]);
  });

  it('spreads the labels like the source (every class within 30 % of its share)', () => {
    const { train, test } = splitTrainTest(mnist, { trainSize: 8000, testSize: 2000, seed: 1 });
    const source = classCounts(mnist);
    for (const [data, size] of [
      [train, 8000],
      [test, 2000],
    ] as const) {
      const counts = classCounts(data);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(size);
      for (let c = 0; c < CLASS_COUNT; c++) {
        const expected = (source[c]! / mnist.count) * size;
        expect(Math.abs(counts[c]! - expected) / expected).toBeLessThan(0.3);
      }
    }
  });

  it('names the size that does not fit', () => {
    expect(() => splitTrainTest(mnist, { trainSize: 9000, testSize: 2000, seed: 1 })).toThrow(
      'trainSize + testSize must be at most the 10000 images of the data set; got 9000 + 2000',
    );
    expect(() => splitTrainTest(mnist, { trainSize: 0, testSize: 2, seed: 1 })).toThrow(
      'trainSize must be an integer ≥ 1; got 0',
    );
  });
});
