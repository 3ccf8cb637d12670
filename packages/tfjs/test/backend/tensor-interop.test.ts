import { DenseMatrix, getBackend, project } from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  matrixFromTensor,
  registerTfjsBackend,
  TfjsBuffer,
  tensorFromMatrix,
} from '../../src/backend/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('tensor interop', () => {
  it('matrixFromTensor copies a 2-D tensor into a tfjs dense matrix; the caller keeps the tensor', () => {
    const tensor = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const x = matrixFromTensor(tensor);
    expect(x.storage).toBeInstanceOf(TfjsBuffer);
    expect(x.shape).toEqual([2, 3]);
    expect(x.toRows()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    tensor.dispose();
    expect(x.toRows()[1]).toEqual([4, 5, 6]);
    const ints = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    expect(matrixFromTensor(ints).toRows()).toEqual([[1, 2]]);
    ints.dispose();
    const cube = tf.zeros([1, 1, 1]);
    expect(() => matrixFromTensor(cube)).toThrow(/rank 2/);
    cube.dispose();
    x.backend.dispose(x.storage);
  });

  it('tensorFromMatrix returns the dense representative as a new tensor, leaving no temporary', () => {
    const tfjs = registerTfjsBackend();
    const m = [
      [2, 1, 0],
      [1, 3, 1],
      [0, 1, 4],
    ];
    const s = project({ kind: 'lower-toeplitz' }, m, { backend: tfjs });
    const expected = s.toRows(); // before counting: toRows drops a temporary dense matrix for the GC
    const before = tf.memory().numTensors;
    const dense = tensorFromMatrix(s);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(dense.shape).toEqual([3, 3]);
    expect(dense.arraySync()).toEqual(expected);
    dense.dispose();
    const x = DenseMatrix.fromRows(m, 'float32', tfjs);
    const copy = tensorFromMatrix(x);
    x.backend.dispose(x.storage);
    expect(copy.arraySync()).toEqual(m);
    copy.dispose();
    const onCpu = tensorFromMatrix(project({ kind: 'diagonal' }, m, { backend: getBackend('cpu') }));
    expect(onCpu.arraySync()).toEqual([
      [2, 0, 0],
      [0, 3, 0],
      [0, 0, 4],
    ]);
    onCpu.dispose();
    expect(tf.memory().numTensors).toBe(before);
    s.backend.dispose(s.storage);
  });
});
