import type { ComparisonResult } from '../src/train-comparison.js';
import type { OptimizerName, Precision } from '../src/train-optimizers.js';
import { HYPER_PARAMETERS } from '../src/train-optimizers.js';
import type { RunResult, RunStatus } from '../src/train-run.js';
import { DEFAULT_COMPARISON } from '../src/train-settings.js';

/** A synthetic run with the given final accuracy, state bytes and status (losses decreasing). */
export function fakeRun(
  optimizer: OptimizerName,
  precision: Precision,
  accuracy: number,
  stateBytes: number,
  status: RunStatus = 'ok',
  seed = 1,
): RunResult {
  const steps = 20;
  return {
    optimizer,
    precision,
    seed,
    status,
    ...(status === 'ok' ? {} : { message: 'singd skipped the step: K non-finite' }),
    steps,
    skippedSteps: status === 'ok' ? 0 : status === 'failed' ? 15 : 2,
    trainLoss: Array.from({ length: steps }, (_, i) => ({
      step: i + 1,
      wallMs: 10 * (i + 1),
      loss: 2 / (i + 1),
    })),
    evaluations: [0, 10, 20].map((step) => ({
      step,
      wallMs: 10 * step,
      testLoss: 2 - step / 20,
      testAccuracy: step === 0 ? 0.1 : accuracy - (20 - step) * 0.001,
    })),
    finalTestAccuracy: accuracy,
    finalTestLoss: 1,
    finalTrainLoss: 0.2,
    trainMs: 200,
    evaluationMs: 5,
    memory: { stateBytes, parameterBytes: 1000, ratioToAdamW: stateBytes / 2000 },
    preconditionedLayers: optimizer === 'adamw' ? 0 : 3,
    fallbackLayers: 0,
  };
}

/** A comparison of the default optimizers with the given runs. */
export function fakeComparison(runs: RunResult[]): ComparisonResult {
  return {
    settings: DEFAULT_COMPARISON,
    hyperParameters: HYPER_PARAMETERS,
    backend: 'wasm',
    machine: { os: 'Linux test', cpuModel: 'test cpu', cpuCount: 2, node: 'v20.0.0' },
    date: '2026-12-01T03:15:30.123Z',
    data: {
      sourceCount: 10_000,
      loadMs: 500,
      trainClassCounts: new Array(10).fill(800),
      testClassCounts: new Array(10).fill(200),
      stepsPerEpoch: 62,
    },
    runs,
    skipped: [{ optimizer: 'adamw', precision: 'bfloat16', reason: 'no bfloat16 state' }],
    totalMs: 1234,
  };
}
