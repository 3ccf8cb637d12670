/**
 * `Trainer.fit` in tfjs's idiom: a `tf.History` like `model.fit`'s, callbacks in tfjs order
 * (custom objects and `tf.callbacks.earlyStopping`), validation logs, seeded shuffling.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { Trainer, type TrainerOptions } from '../src/index.js';
import { classification, mlp, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

const OPTIONS: TrainerOptions = {
  optimizer: { kind: 'singd', options: { lr: 0.1, T: 2 } },
  loss: 'categoricalCrossentropy',
  seed: 3,
};

describe('fit', () => {
  const { x, y } = classification(20, [4], 3);
  const validation = classification(10, [4], 3, 11);

  test('returns a tf.History of per-epoch loss, val_loss and val_acc, calling callbacks in order', async () => {
    const model = mlp();
    const trainer = new Trainer(model, OPTIONS);
    const events: string[] = [];
    const epochLogs: Record<string, number>[] = [];
    const history = await trainer.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      validationData: [validation.x, validation.y],
      callbacks: {
        onTrainBegin: () => {
          events.push('train-begin');
        },
        onEpochBegin: (epoch) => {
          events.push(`epoch-begin ${epoch}`);
        },
        onBatchBegin: (batch, logs) => {
          events.push(`batch-begin ${batch} size ${logs?.['size']}`);
        },
        onBatchEnd: (batch, logs) => {
          expect(logs?.['loss']).toBeGreaterThan(0);
          events.push(`batch-end ${batch}`);
        },
        onEpochEnd: (epoch, logs) => {
          epochLogs.push({ ...logs });
          events.push(`epoch-end ${epoch}`);
        },
        onTrainEnd: () => {
          events.push('train-end');
        },
      },
    });
    expect(history).toBeInstanceOf(tf.History);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'val_acc', 'val_loss']);
    expect(history.history['loss']).toHaveLength(3);
    expect(history.history['loss']![2]! as number).toBeLessThan(history.history['loss']![0]! as number);
    expect(history.history['val_loss']).toEqual(epochLogs.map((l) => l['val_loss']));
    const evaluated = trainer.evaluate(validation.x, validation.y);
    expect(history.history['val_loss']![2]).toBeCloseTo(evaluated.loss, 6);
    expect(history.history['val_acc']![2]).toBeCloseTo(evaluated.accuracy!, 12);
    expect(events.slice(0, 9)).toEqual([
      'train-begin',
      'epoch-begin 0',
      'batch-begin 0 size 8',
      'batch-end 0',
      'batch-begin 1 size 8',
      'batch-end 1',
      'batch-begin 2 size 4',
      'batch-end 2',
      'epoch-end 0',
    ]);
    expect(events.at(-1)).toBe('train-end');
    expect(trainer.steps).toBe(9);
    model.dispose();
  });

  test('tf.callbacks.earlyStopping stops training', async () => {
    const model = mlp();
    const trainer = new Trainer(model, OPTIONS);
    const history = await trainer.fit(x, y, {
      epochs: 20,
      batchSize: 10,
      callbacks: tf.callbacks.earlyStopping({ monitor: 'loss', minDelta: 10, patience: 1 }),
    });
    expect(history.epoch).toEqual([0, 1]);
    expect(trainer.steps).toBe(4);
    model.dispose();
  });

  test('shuffling is seeded; shuffle: false keeps the order', async () => {
    const run = async (seed: number, shuffle: boolean) => {
      const model = mlp();
      const trainer = new Trainer(model, { ...OPTIONS, seed });
      await trainer.fit(x, y, { epochs: 2, batchSize: 5, shuffle });
      const w = weightValues(model);
      model.dispose();
      return w;
    };
    expect(await run(1, true)).toEqual(await run(1, true));
    expect(await run(1, true)).not.toEqual(await run(2, true));
    expect(await run(1, false)).toEqual(await run(2, false));
  });

  test('a second concurrent fit is refused', async () => {
    const model = mlp();
    const trainer = new Trainer(model, OPTIONS);
    const first = trainer.fit(x, y, { epochs: 1 });
    await expect(trainer.fit(x, y, { epochs: 1 })).rejects.toThrow(
      /another fit\(\) of this trainer is running/,
    );
    await first;
    model.dispose();
  });
});
