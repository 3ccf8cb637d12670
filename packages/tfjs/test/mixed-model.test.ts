/**
 * A functional model mixing Conv2D, BatchNormalization, Flatten, Embedding, Concatenate, Dense,
 * LayerNormalization, a frozen Dense and a nested Sequential: preconditioned layers go to SINGD,
 * every other trainable weight to the fallback, every trainable weight changes, nothing is
 * silently left untrained, and frozen weights stay put.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { type OptimizerSpec, Trainer } from '../src/index.js';
import { useCpu, values } from './helpers.js';

beforeAll(useCpu);

function mixedModel(): { model: tf.LayersModel; frozen: tf.layers.Layer } {
  const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  const image = tf.input({ shape: [6, 6, 1], name: 'image' });
  const token = tf.input({ shape: [2], name: 'token' });
  let a = tf.layers
    .conv2d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false, name: 'conv', ...seeded(1) })
    .apply(image) as tf.SymbolicTensor;
  a = tf.layers.batchNormalization({ name: 'bn' }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.activation({ activation: 'relu' }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.flatten().apply(a) as tf.SymbolicTensor;
  let b = tf.layers
    .embedding({
      inputDim: 5,
      outputDim: 2,
      name: 'embedding',
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 2 }),
    })
    .apply(token) as tf.SymbolicTensor;
  b = tf.layers.flatten().apply(b) as tf.SymbolicTensor;
  const frozen = tf.layers.dense({ units: 3, name: 'frozen', trainable: false, ...seeded(3) });
  b = frozen.apply(b) as tf.SymbolicTensor;
  let h = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: 8, activation: 'relu', name: 'hidden', ...seeded(4) })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.layerNormalization({ name: 'ln' }).apply(h) as tf.SymbolicTensor;
  const head = tf.sequential({
    name: 'head',
    layers: [
      tf.layers.dense({ inputShape: [8], units: 3, activation: 'softmax', name: 'out', ...seeded(5) }),
    ],
  });
  const out = head.apply(h) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: [image, token], outputs: out }), frozen };
}

function data(n: number): { x: tf.Tensor[]; y: tf.Tensor } {
  const image = tf.tensor(values([n, 6, 6, 1], 3), [n, 6, 6, 1]);
  const tokens = tf.tensor(
    Float32Array.from({ length: 2 * n }, (_, i) => (i * 7) % 5),
    [n, 2],
  );
  const labels = Array.from({ length: n }, (_, i) => (i * 5 + (i % 3)) % 3);
  return { x: [image, tokens], y: tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() };
}

describe('a mixed functional model', () => {
  test.each([
    ['adamw', undefined],
    ['sgd', { kind: 'sgd', options: { lr: 0.05 } }],
  ] as const)(
    'SINGD preconditions conv/hidden/out, the fallback (%s) trains bn/embedding/ln; every trainable weight changes',
    (fallbackKind, fallback) => {
      const { model, frozen } = mixedModel();
      const trainer = new Trainer(model, {
        optimizer: { kind: 'singd', options: { lr: 0.05, T: 2 } },
        ...(fallback === undefined ? {} : { fallback: fallback as OptimizerSpec }),
        loss: 'categoricalCrossentropy',
      });
      const assignments = trainer.assignments();
      const byLayer = Object.fromEntries(assignments.map((a) => [a.layer, a]));
      expect(Object.keys(byLayer).sort()).toEqual(['bn', 'conv', 'embedding', 'hidden', 'ln', 'out']);
      for (const name of ['conv', 'hidden', 'out']) {
        expect(byLayer[name]).toMatchObject({ optimizer: 'singd', role: 'main', preconditioned: true });
      }
      for (const name of ['bn', 'embedding', 'ln']) {
        expect(byLayer[name]).toMatchObject({
          optimizer: fallbackKind,
          role: 'fallback',
          preconditioned: false,
        });
      }
      expect(byLayer['bn']!.layerClass).toBe('BatchNormalization');
      // Every trainable weight is assigned exactly once.
      const assigned = assignments.flatMap((a) => a.weights).sort();
      expect(assigned).toEqual(model.trainableWeights.map((w) => w.name).sort());
      const summary = trainer.summary();
      for (const name of ['conv', 'bn', 'embedding', 'hidden', 'ln', 'out']) expect(summary).toContain(name);
      expect(summary).toContain('0 untrained');

      const { x, y } = data(16);
      const before = new Map(
        model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync() as Float32Array)]),
      );
      const first = trainer.trainBatch(x, y);
      let last = first;
      for (let i = 0; i < 14; i++) last = trainer.trainBatch(x, y);
      expect(last).toBeLessThan(first / 2);
      for (const w of model.trainableWeights) {
        const old = before.get(w.name)!;
        const now = w.read().dataSync();
        expect(
          now.some((v, i) => v !== old[i]),
          `trainable weight ${w.name} changed`,
        ).toBe(true);
      }
      for (const w of frozen.weights) {
        expect(Array.from(w.read().dataSync()), `frozen weight ${w.name} unchanged`).toEqual(
          Array.from(before.get(w.name)!),
        );
      }
      const memory = trainer.memoryReport();
      expect(Object.keys(memory.layers).sort()).toEqual(['bn', 'conv', 'embedding', 'hidden', 'ln', 'out']);
      expect(memory.layers['embedding']!.parameterBytes).toBe(5 * 2 * 8);
      expect(memory.layers['embedding']!.stateBytes).toBe(fallbackKind === 'adamw' ? 2 * 10 * 8 : 10 * 8);
      expect(memory.stateBytes).toBe(Object.values(memory.layers).reduce((s, l) => s + l.stateBytes, 0));
      expect(memory.ratioToAdamW).toBeCloseTo(memory.stateBytes / (2 * memory.parameterBytes), 12);
      trainer.dispose();
      tf.dispose([...x, y]);
      model.dispose();
    },
  );

  test('with AdamW as the main optimizer every layer, Dense and Conv2D included, goes to AdamW', () => {
    const { model } = mixedModel();
    const trainer = new Trainer(model, {
      optimizer: { kind: 'adamw', options: { lr: 0.01 } },
      loss: 'categoricalCrossentropy',
    });
    expect(
      trainer.assignments().every((a) => a.optimizer === 'adamw' && a.role === 'main' && !a.preconditioned),
    ).toBe(true);
    expect(trainer.memoryReport().ratioToAdamW).toBe(1);
    model.dispose();
  });

  test('per-layer SINGD overrides reach the named layers', () => {
    const { model } = mixedModel();
    const diagonal = { K: { kind: 'diagonal' }, C: { kind: 'diagonal' } } as const;
    const trainer = new Trainer(model, {
      optimizer: {
        kind: 'singd',
        options: { lr: 0.05, momentum: 0, overrides: { hidden: { structures: diagonal } } },
      },
      loss: 'categoricalCrossentropy',
    });
    const memory = trainer.memoryReport().layers;
    // hidden: d_K = 108 (flattened conv) + 3 (frozen branch) + 1 (bias) = 112, d_C = 8: diagonal K, C store 112 + 8 entries, dense 112² + 8².
    const dense = new Trainer(model, {
      optimizer: { kind: 'singd', options: { lr: 0.05, momentum: 0 } },
      loss: 'categoricalCrossentropy',
    });
    expect(memory['hidden']!.stateBytes).toBeLessThan(dense.memoryReport().layers['hidden']!.stateBytes / 10);
    expect(memory['out']!.stateBytes).toBe(dense.memoryReport().layers['out']!.stateBytes);
    expect(
      () =>
        new Trainer(model, {
          optimizer: { kind: 'singd', options: { overrides: { nope: { lr: 1 } } } },
          loss: 'categoricalCrossentropy',
        }),
    ).toThrow(/nope/);
    model.dispose();
  });
});
