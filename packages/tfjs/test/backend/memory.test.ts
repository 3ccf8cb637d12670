import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createCpuBackend,
  DenseMatrix,
  type DeviceBuffer,
  type MatrixView,
  project,
  type StructuredMatrix,
  type StructureSpec,
  type VectorView,
} from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTfjsBackend,
  registerTfjsBackend,
  TfjsBuffer,
  TfjsHostBuffer,
} from '../../src/backend/index.js';

/**
 * Tensor hygiene of the `tfjs` backend: a live float32 buffer holds exactly one tensor, a kernel
 * leaves no tensor behind, `dispose` frees at once, and buffers the structures drop without
 * disposing are freed when the garbage collector reclaims them. Also the backend's errors.
 */

const backend = createTfjsBackend();

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const vector = (buffer: DeviceBuffer, offset: number, length: number, stride = 1): VectorView => ({
  buffer,
  offset,
  length,
  stride,
});
const matrix = (
  buffer: DeviceBuffer,
  offset: number,
  rows: number,
  cols: number,
  rowStride = cols,
): MatrixView => ({
  buffer,
  offset,
  rows,
  cols,
  rowStride,
});

/** One call of every kernel (strided, batched, accumulating, aliased) on buffers a (48), b (48), c (48). */
function everyKernel(a: DeviceBuffer, b: DeviceBuffer, c: DeviceBuffer): void {
  const k = backend.kernels;
  const acc = { alpha: 0.5, accumulate: true };
  k.gemm(matrix(a, 1, 3, 2, 4), matrix(b, 0, 3, 4), matrix(c, 2, 4, 2, 3), {
    transposeA: false,
    transposeB: false,
    alpha: 1,
    beta: 0.5,
    batch: { count: 2, strideOut: 13, strideA: 0, strideB: 17 },
  });
  k.scaleRows(matrix(a, 0, 3, 3, 5), vector(b, 1, 3, 2), matrix(a, 0, 3, 3, 5), acc);
  k.scaleColumns(matrix(c, 3, 2, 4), matrix(b, 0, 2, 4, 6), vector(a, 0, 4), acc);
  k.axpby(vector(a, 0, 10, 3), vector(b, 2, 10), -1, 0.5);
  k.multiply(vector(b, 0, 6), vector(b, 0, 6), vector(c, 1, 6, 2), acc);
  k.fill(vector(c, 0, 5, 7), 2);
  k.addScalar(vector(c, 1, 5, 5), 1);
  k.copy(matrix(a, 0, 3, 4), matrix(a, 0, 4, 3, 4), { alpha: 1, accumulate: false, transpose: true });
  k.rowSquaredSums(vector(b, 0, 4, 2), matrix(c, 0, 4, 5, 6), acc);
  k.columnSquaredSums(vector(b, 0, 5), matrix(c, 0, 4, 5), acc);
  k.diagonalSums(vector(a, 0, 5), matrix(c, 0, 5, 5, 6), { ...acc, lower: true });
  k.toeplitzMatmul(matrix(a, 0, 5, 2), vector(b, 0, 5), matrix(c, 0, 5, 2, 3), { lower: false });
  k.toeplitzProduct(vector(a, 0, 6), vector(b, 0, 6), vector(c, 0, 6, 2));
  k.columnAutocorrelations(vector(a, 0, 5), matrix(b, 0, 5, 3), { alpha: 2 });
  k.packedTriangularMatmul(matrix(a, 0, 4, 2), vector(b, 0, 10), matrix(c, 0, 4, 2), {
    lower: true,
    transpose: true,
  });
  k.packedTriangularProduct(vector(a, 0, 10), vector(b, 0, 10), vector(c, 0, 10), { lower: false });
  k.packedGram(vector(a, 0, 10), matrix(b, 0, 4, 3), { lower: true, offDiagonalScale: 2 });
  k.packedTransposedGram(vector(a, 0, 10), vector(c, 0, 10), { lower: false, offDiagonalScale: 2 });
  // Values may overflow over repeated rounds; only the tensor count matters here.
  expect(typeof k.sum(vector(a, 0, 20, 2))).toBe('number');
  expect(typeof k.sumSquares(vector(b, 0, 48))).toBe('number');
  expect(typeof k.maxAbs(vector(c, 0, 12, 4))).toBe('number');
}

/** The global `gc` of V8, enabled at run time. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function collectGarbage(gc: () => void): Promise<void> {
  for (let round = 0; round < 5; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('tfjs backend tensor hygiene', () => {
  it('kernels leave exactly one tensor per live buffer; dispose frees them', () => {
    const before = tf.memory().numTensors;
    const values = Array.from({ length: 48 }, (_, i) => Math.sin(i + 1));
    const buffers = [
      backend.upload('float32', values),
      backend.upload('float32', values),
      backend.allocate('float32', 48),
    ];
    expect(tf.memory().numTensors).toBe(before + 3);
    for (let round = 0; round < 5; round++) everyKernel(buffers[0]!, buffers[1]!, buffers[2]!);
    expect(tf.memory().numTensors).toBe(before + 3);
    const copy = backend.clone(buffers[0]!);
    backend.write(copy, [1, 2, 3], 5);
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(Array.from(backend.read(copy).subarray(5, 8))).toEqual([1, 2, 3]);
    for (const buffer of [...buffers, copy]) backend.dispose(buffer);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('buffers written inside a caller`s tf.tidy survive it', () => {
    const buffer = backend.upload('float32', [1, 2, 3, 4]);
    tf.tidy(() => {
      backend.kernels.axpby(vector(buffer, 0, 4), vector(buffer, 0, 4), 3, 0);
    });
    expect(Array.from(backend.read(buffer))).toEqual([3, 6, 9, 12]);
    backend.dispose(buffer);
  });

  it('structure operations leak no tensor once their results are dropped and collected', async () => {
    const gc = garbageCollector();
    const tfjs = registerTfjsBackend();
    const specs: StructureSpec[] = [
      { kind: 'dense' },
      { kind: 'block-diagonal', blockSize: 2 },
      { kind: 'hierarchical', k1: 2, k2: 2 },
      { kind: 'lower-toeplitz' },
      { kind: 'upper-triangular' },
      { kind: 'lower-bottom-right-diagonal' },
    ];
    const work = () => {
      for (const spec of specs) {
        const m = DenseMatrix.fromRows(
          Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => 1 / (1 + i + j))),
          'float32',
          tfjs,
        );
        const x = DenseMatrix.fromRows(
          [
            [1, -2],
            [0.5, 1],
            [2, 0],
            [1, 1],
            [-1, 3],
            [0, 1],
            [2, 2],
          ],
          'float32',
          tfjs,
        );
        const s = project(spec, m) as StructuredMatrix;
        const k = s.matmul(s).add(s, -0.5).addIdentity(1);
        k.fromInner(x).fromInner();
        k.rightMatmul(x.transpose());
        k.transposeMatmul(x).toRows();
        k.frobeniusNorm();
      }
    };
    work(); // warm-up: caches and lazily created state
    await collectGarbage(gc);
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) work();
    expect(tf.memory().numTensors).toBeGreaterThan(before); // dropped, not yet collected
    await collectGarbage(gc);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tfjs backend errors and dtypes', () => {
  it('rejects foreign, disposed and out-of-range buffers with clear errors', () => {
    const cpuBuffer = createCpuBackend().upload('float32', [1, 2]);
    expect(() => backend.read(cpuBuffer)).toThrow(
      /must be a buffer of the 'tfjs' backend; got a buffer of 'cpu'/,
    );
    const buffer = backend.upload('float32', [1, 2, 3]);
    expect(() => backend.write(buffer, [1, 2], 2)).toThrow(RangeError);
    expect(() => backend.write(buffer, [1], -1)).toThrow(RangeError);
    expect(Array.from(backend.read(buffer))).toEqual([1, 2, 3]);
    backend.dispose(buffer);
    backend.dispose(buffer);
    expect(() => backend.read(buffer)).toThrow(/disposed 'tfjs' buffer/);
    expect(() => backend.allocate('float32', -1)).toThrow(RangeError);
    expect(() => backend.allocate('float8' as 'float32', 1)).toThrow(/dtype must be one of/);
    expect(() => backend.uploadRaw('float32', new Float64Array(2))).toThrow(TypeError);
  });

  it('float32 buffers are tensors; float64 and the half formats fall back to host buffers with real byte counts', () => {
    const f32 = backend.upload('float32', [0.1, 1 / 3]);
    expect(f32).toBeInstanceOf(TfjsBuffer);
    expect(f32.byteLength).toBe(8);
    expect(Array.from(backend.readRaw(f32))).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    const raw = backend.uploadRaw('float32', new Float32Array([1.5, -2]));
    expect(Array.from(backend.read(raw))).toEqual([1.5, -2]);
    for (const dtype of ['float64', 'bfloat16', 'float16'] as const) {
      const host = backend.upload(dtype, [0.1, 1 / 3]);
      expect(host).toBeInstanceOf(TfjsHostBuffer);
      expect(host.backend).toBe('tfjs');
      expect(host.byteLength).toBe(dtype === 'float64' ? 16 : 4);
      expect(Array.from(backend.read(host))).toEqual(
        Array.from(createCpuBackend().read(createCpuBackend().upload(dtype, [0.1, 1 / 3]))),
      );
    }
    for (const buffer of [f32, raw]) backend.dispose(buffer);
  });
});
