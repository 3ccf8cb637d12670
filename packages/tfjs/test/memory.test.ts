/**
 * Memory hygiene: `tf.memory().numTensors` is the same after step 10 and after step 1000 (update
 * steps with captures, Monte-Carlo passes, fallback layers, fit and evaluate included).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { Trainer } from '../src/index.js';
import { classification, useCpu } from './helpers.js';

beforeAll(useCpu);

test('no tensor leaks: numTensors after step 10 equals numTensors after step 1000', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }),
      tf.layers.layerNormalization(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const { x, y } = classification(8, [3], 2);
  const trainer = new Trainer(model, {
    optimizer: { kind: 'singd', options: { lr: 0.01, T: 10 } },
    loss: 'categoricalCrossentropy',
    fisher: 'monte-carlo',
  });
  for (let step = 0; step < 10; step++) trainer.trainBatch(x, y);
  const after10 = tf.memory().numTensors;
  for (let step = 10; step < 990; step++) trainer.trainBatch(x, y);
  await trainer.fit(x, y, { epochs: 2, batchSize: 4, validationData: [x, y] }); // 4 more steps
  trainer.evaluate(x, y);
  for (let step = 994; step < 1000; step++) trainer.trainBatch(x, y);
  expect(trainer.steps).toBe(1000);
  expect(tf.memory().numTensors).toBe(after10);
  model.dispose();
  tf.dispose([x, y]);
});
