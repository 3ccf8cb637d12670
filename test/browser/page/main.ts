/**
 * The browser page of the end-to-end test: trains the same small tfjs model with SINGD on the
 * cpu backend and on the gpujs backend in every WebGL mode this browser offers (`webgl2`,
 * `webgl`), tfjs itself on its `cpu` backend every time so that only the structured-matrix
 * backend differs; compares the final weights and the losses within float32 tolerance, records
 * the mode gpu.js picks by itself and the WebGL renderer, and publishes a {@link PageResult} as
 * `window.__singdResult`.
 */
import { isClose, toleranceFor } from '@singd/half';
import { registerBackend } from '@singd/structured-matrix';
import {
  availableGpujsModes,
  createGpujsBackend,
  type GpujsMode,
  isGlMode,
} from '@singd/structured-matrix/backend-gpujs';
import * as tf from '@tensorflow/tfjs';
import type { GpujsComparison, PageError, PageResult } from './page-result.js';
import { type Batch, initialWeights, makeBatch, RUN, train } from './training-run.js';

/**
 * Tolerance of the comparison: float32's own (`toleranceFor('float32')`: rtol 1e-5, atol 1e-7).
 * The two runs round differently (WebGL shaders accumulate in float32 in their own order; the
 * cpu backend has its own kernels and summation order) in every step's K and C updates,
 * preconditioned gradient and momentum; over {@link RUN}'s few steps at these sizes the
 * differences measured in headless Chromium stay at about 1% of this tolerance.
 */
const TOLERANCE = toleranceFor('float32');

function webglRenderer(): string {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (gl === null) return 'no WebGL context';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer =
    info === null ? gl.getParameter(gl.RENDERER) : gl.getParameter(info.UNMASKED_RENDERER_WEBGL);
  return `${gl instanceof WebGL2RenderingContext ? 'WebGL2' : 'WebGL1'}: ${String(renderer)}`;
}

type Run = ReturnType<typeof train>;

/** Trains on a fresh gpujs backend in `mode` and compares with the cpu run `onCpu`. */
function compareMode(mode: GpujsMode, batch: Batch, onCpu: Run, problems: string[]): GpujsComparison {
  const backend = createGpujsBackend({ mode, name: `gpujs-${mode}` });
  registerBackend(backend);
  const onGpu = train(backend.name, batch);
  const stats = backend.compileStats();
  backend.destroy();
  if (stats.compiles === 0) problems.push(`${mode}: no kernel compiled, SINGD did not run on gpujs`);
  let maxAbsDiff = 0;
  let worstToleranceRatio = 0;
  onCpu.weights.forEach((expected, w) => {
    const actual = onGpu.weights[w]!;
    expected.forEach((e, i) => {
      const a = actual[i]!;
      const diff = Math.abs(a - e);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      worstToleranceRatio = Math.max(
        worstToleranceRatio,
        diff / (TOLERANCE.atol + TOLERANCE.rtol * Math.abs(e)),
      );
      if (!isClose(a, e, TOLERANCE)) problems.push(`${mode}: weight ${w}[${i}] is ${a}, cpu ${e}`);
    });
  });
  onCpu.losses.forEach((e, s) => {
    const a = onGpu.losses[s]!;
    if (!isClose(a, e, TOLERANCE)) problems.push(`${mode}: loss of step ${s} is ${a}, cpu ${e}`);
  });
  const { weights: _, ...run } = onGpu;
  return {
    mode,
    run,
    compiledKernels: stats.compiles,
    compileMillis: stats.firstCallMs,
    maxAbsDiff,
    worstToleranceRatio,
  };
}

async function run(): Promise<PageResult> {
  await tf.setBackend('cpu');
  await tf.ready();
  const problems: string[] = [];
  const availableModes = availableGpujsModes();
  const best = createGpujsBackend();
  const bestMode = best.mode;
  best.destroy();
  const glModes = availableModes.filter(isGlMode);
  if (glModes.length === 0) problems.push(`no WebGL mode in this browser (available: ${availableModes})`);

  const batch = makeBatch();
  const initial = initialWeights();
  const onCpu = train('cpu', batch);
  const gpujs = glModes.map((mode) => compareMode(mode, batch, onCpu, problems));
  batch.x.dispose();
  batch.y.dispose();

  let maxWeightChange = 0;
  onCpu.weights.forEach((w, k) => {
    w.forEach((v, i) => {
      maxWeightChange = Math.max(maxWeightChange, Math.abs(v - initial[k]![i]!));
    });
  });
  const first = onCpu.losses[0]!;
  const last = onCpu.losses[RUN.steps - 1]!;
  if (!(last < first)) problems.push(`the loss did not decrease over ${RUN.steps} steps: ${first} → ${last}`);
  if (!(maxWeightChange > 1e3 * TOLERANCE.atol)) {
    problems.push(
      `the weights barely moved (max change ${maxWeightChange}): the comparison would be vacuous`,
    );
  }
  const { weights: _, ...cpu } = onCpu;
  return {
    verdict: problems.length === 0 ? 'pass' : 'fail',
    problems: problems.slice(0, 20),
    bestMode,
    availableModes,
    webglRenderer: webglRenderer(),
    cpu,
    gpujs,
    tolerance: TOLERANCE,
    maxWeightChange,
  };
}

const status = document.getElementById('status')!;
run().then(
  (result) => {
    status.textContent = JSON.stringify(result, null, 2);
    window.__singdResult = result;
  },
  (error: unknown) => {
    const message =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    status.textContent = message;
    const failure: PageError = { error: message };
    window.__singdResult = failure;
  },
);
