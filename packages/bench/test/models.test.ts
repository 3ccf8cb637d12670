import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/models-build.js';
import { MODEL_NAMES } from '../src/models-names.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function firstValues(model: tf.LayersModel): number[] {
  return model.getWeights().map((w) => w.dataSync()[1]!);
}

describe('buildModel', () => {
  it('builds each model with the documented parameter count and 10 softmax outputs', () => {
    const expected = { mlp: 269_322, cnn: 27_690, mixer: 21_498 } as const;
    for (const name of MODEL_NAMES) {
      const model = buildModel(name, 1);
      expect(model.countParams(), name).toBe(expected[name]);
      expect(model.inputs[0]!.shape).toEqual([null, 784]);
      const out = tf.tidy(() => model.predict(tf.ones([2, 784])) as tf.Tensor);
      expect(out.shape).toEqual([2, 10]);
      const rows = out.sum(1).dataSync();
      expect(rows[0]).toBeCloseTo(1, 5);
      out.dispose();
      model.dispose();
    }
  });

  it('seeds the initial weights: the same seed gives the same weights, another seed different ones', () => {
    for (const name of MODEL_NAMES) {
      const [a, b, c] = [buildModel(name, 4), buildModel(name, 4), buildModel(name, 5)];
      expect(firstValues(b)).toEqual(firstValues(a));
      const differing = firstValues(c).filter((v, i) => v !== firstValues(a)[i]);
      expect(differing.length, name).toBeGreaterThan(0);
      for (const m of [a, b, c]) m.dispose();
    }
  });
});
