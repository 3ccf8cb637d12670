import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/sample-data.js';
import { registerWasmConv2dBackpropFilter } from '../src/tfjs-step-wasm-conv2d.js';

type Shape = [number, number, number, number];

/** ∂(Σ conv2d(x, w) ⊙ r)/∂w on `backend`, as a flat array. */
async function filterGradient(
  backend: string,
  xShape: [number, number, number, number],
  wShape: [number, number, number, number],
  strides: [number, number],
  pad: 'valid' | 'same',
  seed: number,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const random = seededRandom(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => 2 * random() - 1);
  const x = tf.tensor4d(fill(xShape.reduce((a, b) => a * b)), xShape);
  const w = tf.tensor4d(fill(wShape.reduce((a, b) => a * b)), wShape);
  const y = tf.conv2d(x, w, strides, pad);
  const r = tf.tensor(fill(y.size), y.shape);
  const g = tf.grad((filter: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, strides, pad), r)),
  )(w);
  const values = g.dataSync() as Float32Array;
  tf.dispose([x, w, y, r, g]);
  return Float32Array.from(values);
}

describe('Conv2DBackpropFilter on the wasm backend', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmConv2dBackpropFilter();
    await tf.setBackend('wasm');
  });

  it.each([
    [[2, 9, 9, 3], [3, 3, 3, 4], [1, 1], 'valid'],
    [[2, 9, 8, 2], [3, 2, 2, 5], [2, 2], 'valid'],
    [[3, 10, 7, 2], [3, 3, 2, 3], [2, 3], 'same'],
    [[1, 8, 8, 1], [5, 5, 1, 2], [1, 1], 'same'],
  ] as [Shape, Shape, [number, number], 'valid' | 'same'][])(
    'equals the cpu backend for x %j, w %j, strides %j, %s padding',
    async (xs, ws, s, pad) => {
      const seed = xs[1] * 31 + ws[0];
      const cpu = await filterGradient('cpu', xs, ws, s, pad, seed);
      const wasm = await filterGradient('wasm', xs, ws, s, pad, seed);
      expect(wasm.length).toBe(ws.reduce((a, b) => a * b));
      const scale = Math.max(...cpu.map(Math.abs));
      for (let i = 0; i < cpu.length; i++)
        expect(Math.abs(wasm[i]! - cpu[i]!)).toBeLessThanOrEqual(1e-5 * scale);
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it('registers only once', () => {
    expect(registerWasmConv2dBackpropFilter()).toBe(false);
  });
});
