/**
 * Smoke test on the `wasm` backend: a CNN with BatchNormalization trains with SINGD (captures,
 * fallback, checkpoint) and matches the same run on the `cpu` backend within float32 tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, expect, test } from 'vitest';
import { conv2dViaConv3d, Trainer } from '../src/index.js';
import { classification, expectAllClose, values, weightValues } from './helpers.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

function model(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv',
        inputShape: [6, 6, 1],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({
        name: 'out',
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

async function run(
  backend: 'cpu' | 'wasm',
): Promise<{ losses: number[]; weights: Float32Array[]; tensors: number[] }> {
  expect(await tf.setBackend(backend)).toBe(true);
  await tf.ready();
  const m = model();
  const { x, y } = classification(16, [6, 6, 1], 3);
  const trainer = new Trainer(m, {
    optimizer: { kind: 'singd', options: { lr: 0.05, T: 2 } },
    loss: 'categoricalCrossentropy',
  });
  const losses: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < 12; i++) {
    losses.push(trainer.trainBatch(x, y));
    tensors.push(tf.memory().numTensors);
  }
  const copy = new Trainer(model(), {
    optimizer: { kind: 'singd', options: { lr: 0.05, T: 2 } },
    loss: 'categoricalCrossentropy',
  });
  copy.loadCheckpoint(trainer.saveCheckpoint());
  expect(copy.trainBatch(x, y)).toBe(trainer.trainBatch(x, y));
  const weights = weightValues(m);
  tf.dispose([x, y]);
  return { losses, weights, tensors };
}

test('trains on wasm like on cpu', async () => {
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(wasm.losses[11]!).toBeLessThan(wasm.losses[0]! / 2);
  expect(wasm.tensors[11]).toBe(wasm.tensors[3]);
  expectAllClose(wasm.losses, cpu.losses, { rtol: 1e-3, atol: 1e-3 }, 'losses wasm vs cpu');
  wasm.weights.forEach((w, k) => {
    expectAllClose(w, cpu.weights[k]!, { rtol: 1e-3, atol: 1e-3 }, `weight ${k} wasm vs cpu`);
  });
});

test.each(['cpu', 'wasm'] as const)(
  'on %s, conv2dViaConv3d (used where conv2d has no filter gradient) equals tf.conv2d, values and gradients',
  async (backend) => {
    await tf.setBackend(backend);
    await tf.ready();
    const cases = [
      [1, 'valid', 3],
      [2, 'valid', 3],
      [1, 'same', 2],
      [2, 'same', 3],
      [3, 'same', 2],
    ] as const;
    for (const [stride, padding, kh] of cases) {
      const x = tf.tensor(values([2, 7, 6, 2], 3), [2, 7, 6, 2]) as tf.Tensor4D;
      const k = tf.tensor(values([kh, 3, 2, 2], 4), [kh, 3, 2, 2]) as tf.Tensor4D;
      // The reference on cpu (wasm cannot differentiate tf.conv2d's filter).
      await tf.setBackend('cpu');
      const xc = tf.tensor(x.dataSync(), x.shape) as tf.Tensor4D;
      const kc = tf.tensor(k.dataSync(), k.shape) as tf.Tensor4D;
      const target = tf.conv2d(xc, kc, stride, padding);
      const reference = [
        target,
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding), target)),
        )([xc, kc]),
      ].map((t) => Array.from(t.dataSync()));
      const targetValues = target.dataSync();
      await tf.setBackend(backend);
      const t = tf.tensor(targetValues, target.shape);
      const ours = [
        conv2dViaConv3d(x, k, [stride, stride], padding),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv2dViaConv3d(a as tf.Tensor4D, b as tf.Tensor4D, [stride, stride], padding), t)),
        )([x, k]),
      ].map((r) => Array.from(r.dataSync()));
      ours.forEach((arr, i) => {
        expect(arr).toHaveLength(reference[i]!.length);
        expectAllClose(
          arr,
          reference[i]!,
          { rtol: 1e-5, atol: 1e-5 },
          `${stride} ${padding} ${kh}: output ${i}`,
        );
      });
    }
  },
);
