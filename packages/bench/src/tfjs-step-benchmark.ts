/**
 * The TensorFlow.js step benchmark (issue 6, item 8). Imports TensorFlow.js: load it with a
 * dynamic `import()` so that the rest of the CLI does not pay for it.
 * @module
 */
import { type OptimizerSpec, Trainer } from '@singd/tfjs';
import * as tf from '@tensorflow/tfjs';
import { machineInfo } from './machine-info.js';
import { median } from './ops-timing.js';
import { seededRandom } from './sample-data.js';
import {
  DEFAULT_TFJS_STEP_OPTIONS,
  evaluateTfjsStepTargets,
  TFJS_STEP_MODELS,
  TFJS_STEP_OPTIMIZERS,
  type TfjsStepBenchmarkOptions,
  type TfjsStepBenchmarkResult,
  type TfjsStepModel,
  type TfjsStepOptimizer,
  type TfjsStepRow,
} from './tfjs-step-options.js';
import { registerWasmConv2dBackpropFilter } from './tfjs-step-wasm-conv2d.js';

const LR = 1e-3;

/** The Trainer optimizer spec of each benchmarked optimizer (T = `period`). */
export function tfjsStepSpec(optimizer: TfjsStepOptimizer, period: number): OptimizerSpec {
  const singd = (structure: {
    kind: string;
    blockSize?: number;
    k1?: number;
    k2?: number;
  }): OptimizerSpec => ({
    kind: 'singd',
    options: { lr: LR, T: period, structures: { K: structure, C: structure } as never },
  });
  switch (optimizer) {
    case 'singd-diagonal':
      return singd({ kind: 'diagonal' });
    case 'singd-block-diagonal':
      return singd({ kind: 'block-diagonal', blockSize: 30 });
    case 'singd-hierarchical':
      return singd({ kind: 'hierarchical', k1: 15, k2: 15 });
    case 'singd-dense':
      return singd({ kind: 'dense' });
    case 'kfac':
      return { kind: 'kfac', options: { lr: LR, T: period } };
  }
}

const LABELS: Record<TfjsStepOptimizer | 'adam', string> = {
  adam: 'tf.train.adam',
  'singd-diagonal': 'SINGD diagonal',
  'singd-block-diagonal': 'SINGD block-diagonal (B = 30)',
  'singd-hierarchical': 'SINGD hierarchical (15, 15)',
  'singd-dense': 'SINGD dense (INGD)',
  kfac: 'KFAC',
};

const MODEL_DESCRIPTIONS: Record<TfjsStepModel, string> = {
  mlp: 'MLP 784-256-256-10 (Dense relu, relu, softmax)',
  cnn: 'CNN 28×28×1 → Conv2D 16 3×3 relu → MaxPool 2 → Conv2D 32 3×3 relu → MaxPool 2 → Flatten → Dense 10 softmax',
};

function buildModel(name: TfjsStepModel, seed: number): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  if (name === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784], kernelInitializer: init(1) }),
        tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(2) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        inputShape: [28, 28, 1],
        kernelInitializer: init(1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

/** A seeded batch: inputs uniform in [0, 1) (like MNIST pixels), one-hot labels. */
function makeBatch(model: TfjsStepModel, batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const random = seededRandom(seed);
  const features = 784;
  const x = new Float32Array(batch * features);
  for (let i = 0; i < x.length; i++) x[i] = random();
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(random() * 10);
  const shape = model === 'mlp' ? [batch, features] : [batch, 28, 28, 1];
  return { x: tf.tensor(x, shape, 'float32'), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() };
}

/** One timed contestant: `step()` trains one step and returns the loss. */
interface Contestant {
  readonly optimizer: TfjsStepOptimizer | 'adam';
  readonly step: () => number;
  readonly isUpdate: (k: number) => boolean;
  readonly update: number[];
  readonly other: number[];
  total: number;
  /** The mean step time of each timed period of T steps. */
  readonly periodMeans: number[];
  steps: number;
  lastLoss: number;
  readonly dispose: () => void;
}

function adamContestant(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Contestant {
  const optimizer = tf.train.adam(LR);
  const lossFn = (): tf.Scalar =>
    tf.mean(
      tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor),
    ) as tf.Scalar;
  return {
    optimizer: 'adam',
    step: () => {
      const cost = optimizer.minimize(lossFn, true);
      const value = cost!.dataSync()[0]!;
      cost!.dispose();
      return value;
    },
    isUpdate: () => false,
    update: [],
    other: [],
    total: 0,
    periodMeans: [],
    steps: 0,
    lastLoss: Number.NaN,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}

function trainerContestant(
  optimizer: TfjsStepOptimizer,
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  settings: TfjsStepBenchmarkOptions,
): Contestant {
  const trainer = new Trainer(model, {
    optimizer: tfjsStepSpec(optimizer, settings.period),
    loss: 'categoricalCrossentropy',
    seed: settings.seed,
  });
  return {
    optimizer,
    step: () => trainer.trainBatch(x, y),
    isUpdate: () => trainer.steps % settings.period === 0,
    update: [],
    other: [],
    total: 0,
    periodMeans: [],
    steps: 0,
    lastLoss: Number.NaN,
    dispose: () => {
      trainer.dispose();
      model.dispose();
    },
  };
}

function runSteps(c: Contestant, count: number, record: boolean): void {
  const before = c.total;
  for (let k = 0; k < count; k++) {
    const update = c.isUpdate(k);
    const start = performance.now();
    const loss = c.step();
    const ms = performance.now() - start;
    if (!Number.isFinite(loss)) throw new Error(`${LABELS[c.optimizer]}: the loss became ${loss}`);
    if (!record) continue;
    (update ? c.update : c.other).push(ms);
    c.total += ms;
    c.steps++;
    c.lastLoss = loss;
  }
  if (record) c.periodMeans.push((c.total - before) / count);
}

function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1),
    0,
  );
}

/**
 * Runs the TensorFlow.js step benchmark: for each model, the same initial weights and one
 * seeded batch for every contestant — `tf.train.adam` (`optimizer.minimize` on the
 * categorical cross-entropy) and a `Trainer` of `@singd/tfjs` per optimizer (`trainBatch`) —
 * one warm-up period of T steps each, then `rounds × periods` timed periods of T steps each,
 * interleaved period by period over the contestants. Per contestant: the mean time per step of
 * each period (averaged over T steps, so update and non-update steps in their real
 * proportion), the median of those period means and its ratio to Adam's (robust to bursts of
 * load from other processes), the mean over all timed steps, and the medians of update and
 * non-update steps.
 *
 * @param onProgress - called with a short line as each phase finishes.
 * @throws Error when the backend cannot be set or a loss becomes non-finite.
 */
export async function runTfjsStepBenchmark(
  options: Partial<TfjsStepBenchmarkOptions> = {},
  onProgress: (line: string) => void = () => {},
): Promise<TfjsStepBenchmarkResult> {
  const started = performance.now();
  const settings = { ...DEFAULT_TFJS_STEP_OPTIONS, ...options };
  const models = TFJS_STEP_MODELS.filter((m) => settings.models.includes(m));
  const optimizers = TFJS_STEP_OPTIMIZERS.filter((o) => settings.optimizers.includes(o));
  let addedKernel = false;
  if (settings.backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    addedKernel = registerWasmConv2dBackpropFilter();
  }
  if (!(await tf.setBackend(settings.backend)))
    throw new Error(`tfjs could not set the '${settings.backend}' backend`);
  await tf.ready();
  const rows: TfjsStepRow[] = [];
  const modelInfo: { name: TfjsStepModel; description: string; parameters: number }[] = [];
  for (const name of models) {
    const reference = buildModel(name, settings.seed);
    const weights = reference.getWeights().map((w) => w.clone());
    modelInfo.push({ name, description: MODEL_DESCRIPTIONS[name], parameters: parameterCount(reference) });
    reference.dispose();
    const { x, y } = makeBatch(name, settings.batch, settings.seed);
    const fresh = () => {
      const model = buildModel(name, settings.seed);
      model.setWeights(weights);
      return model;
    };
    const contestants: Contestant[] = [
      adamContestant(fresh(), x, y),
      ...optimizers.map((o) => trainerContestant(o, fresh(), x, y, settings)),
    ];
    for (const c of contestants) runSteps(c, settings.period, false);
    onProgress(`${name}: warmed up ${contestants.length} optimizers (${settings.period} steps each)`);
    for (let round = 0; round < settings.rounds; round++) {
      for (let p = 0; p < settings.periods; p++)
        for (const c of contestants) runSteps(c, settings.period, true);
      onProgress(`${name}: round ${round + 1}/${settings.rounds} done`);
    }
    const adam = contestants[0]!;
    const adamMean = adam.total / adam.steps;
    const adamPeriodMedian = median(adam.periodMeans);
    for (const c of contestants) {
      const meanMs = c.total / c.steps;
      const periodMedianMs = median(c.periodMeans);
      rows.push({
        model: name,
        optimizer: c.optimizer,
        label: LABELS[c.optimizer],
        steps: c.steps,
        meanMs,
        periodMedianMs,
        periodMeans: c.periodMeans,
        updateMedianMs: c.update.length === 0 ? null : median(c.update),
        nonUpdateMedianMs: median(c.other),
        ratioToAdam: periodMedianMs / adamPeriodMedian,
        meanRatioToAdam: meanMs / adamMean,
        lastLoss: c.lastLoss,
      });
      onProgress(
        `${name} ${LABELS[c.optimizer]}: ${periodMedianMs.toPrecision(3)} ms/step (${(periodMedianMs / adamPeriodMedian).toFixed(2)}× Adam)`,
      );
      c.dispose();
    }
    tf.dispose([x, y, ...weights]);
  }
  return {
    benchmark: 'tfjs-step',
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: { ...settings, models, optimizers },
    backend: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    addedKernels: addedKernel ? ['Conv2DBackpropFilter (wasm; see tfjs-step-wasm-conv2d.ts)'] : [],
    models: modelInfo,
    setting:
      `batch ${settings.batch} of seeded uniform [0, 1) inputs and random one-hot labels (the same batch every step), categorical cross-entropy, ` +
      `lr ${LR} for every optimizer; SINGD (float32 K, C, defaults otherwise) and KFAC with T = ${settings.period} through the Trainer of @singd/tfjs (trainBatch); ` +
      'tf.train.adam through optimizer.minimize; the same initial weights for all',
    rows,
    targets: evaluateTfjsStepTargets(rows),
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
