import { describe, expect, it } from 'vitest';
import { runComparison } from '../src/train-comparison.js';
import type { ComparisonSettings } from '../src/train-settings.js';

const tiny: ComparisonSettings = {
  dataset: 'mnist',
  model: 'mixer',
  optimizers: ['singd-diagonal'],
  precisions: ['float32'],
  epochs: 1,
  batchSize: 8,
  trainSize: 16,
  testSize: 8,
  seeds: [1],
  dataSeed: 1,
  evaluationsPerEpoch: 1,
  backend: 'auto',
};

describe('the mixer and the CNN under SINGD', () => {
  it('precondition every Dense / Conv2D layer (Dense on tokens included) and train without skipping', async () => {
    const mixer = await runComparison(tiny);
    expect(mixer.backend).toBe('wasm');
    expect(mixer.runs[0]!.preconditionedLayers).toBe(6);
    expect(mixer.runs[0]!.fallbackLayers).toBe(0);
    expect(mixer.runs[0]!.status).toBe('ok');
    expect(mixer.runs[0]!.trainLoss.every((p) => Number.isFinite(p.loss))).toBe(true);

    const cnn = await runComparison({ ...tiny, model: 'cnn' });
    expect(cnn.backend).toBe('cpu');
    expect(cnn.runs[0]!.preconditionedLayers).toBe(4);
    expect(cnn.runs[0]!.status).toBe('ok');
    expect(cnn.runs[0]!.steps).toBe(2);
  });
});
