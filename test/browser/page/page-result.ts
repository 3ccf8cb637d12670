/**
 * What the browser page publishes as `window.__singdResult` when it is done, read by the
 * end-to-end test (test/browser/chromium-training.test.ts).
 */

/** One training run: the losses of its steps and the final weights. */
export interface TrainingRun {
  /** The structured-matrix backend the SINGD state lived on. */
  readonly backend: string;
  /** The loss of each step, before that step's update. */
  readonly losses: number[];
  /** Milliseconds for all steps (kernel compilation included on gpujs). */
  readonly millis: number;
}

/** A training run on the gpujs backend in one gpu.js mode, compared with the cpu run. */
export interface GpujsComparison {
  /** The gpu.js mode (`webgl2` or `webgl` in a browser). */
  readonly mode: string;
  readonly run: TrainingRun;
  /** gpu.js kernels compiled during the run, and the ms spent in their first calls. */
  readonly compiledKernels: number;
  readonly compileMillis: number;
  /** Largest `|w_gpujs − w_cpu|` over every final weight. */
  readonly maxAbsDiff: number;
  /** Largest `|w_gpujs − w_cpu| / (atol + rtol·|w_cpu|)`: ≤ 1 means within tolerance. */
  readonly worstToleranceRatio: number;
}

/** The page's verdict and what it measured. */
export interface PageResult {
  /** `'pass'` when every check holds; otherwise `'fail'` with `problems`. */
  readonly verdict: 'pass' | 'fail';
  /** Why the verdict is `'fail'` (empty on a pass). */
  readonly problems: string[];
  /** The mode `createGpujsBackend()` picks by itself in this browser. */
  readonly bestMode: string;
  /** Every gpu.js mode usable in this browser, best first. */
  readonly availableModes: string[];
  /** `UNMASKED_RENDERER_WEBGL` of a WebGL context of the page (e.g. SwiftShader), or why none. */
  readonly webglRenderer: string;
  /** The reference run, on the cpu backend. */
  readonly cpu: TrainingRun;
  /** One run per WebGL mode available (`webgl2`, `webgl`). */
  readonly gpujs: GpujsComparison[];
  /** The tolerance every weight and loss was held to. */
  readonly tolerance: { readonly rtol: number; readonly atol: number };
  /** Largest change of a weight from its initial value (the steps really trained). */
  readonly maxWeightChange: number;
}

/** What the page sets on `window` when it fails before reaching a verdict. */
export interface PageError {
  readonly error: string;
}

declare global {
  interface Window {
    /** Set by the page once it is done: its result, or the error that stopped it. */
    __singdResult?: PageResult | PageError;
  }
}
