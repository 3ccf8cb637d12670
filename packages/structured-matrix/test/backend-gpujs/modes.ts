import {
  availableGpujsModes,
  createGpujsBackend,
  type GpujsBackend,
  type GpujsMode,
  isGlMode,
} from '../../src/backend/gpujs/index.js';
import { registerBackend } from '../../src/backend/registry.js';

/**
 * The gpu.js modes the tests run on: every mode available in this process (browser-only
 * webgl/webgl2 never are in Node). `cpu` and `webasm` always are; `headlessgl` when the `gl`
 * addon is built and a display exists (`.ci/run` runs the tests under `xvfb-run`).
 */
export const TESTED_MODES: readonly GpujsMode[] = availableGpujsModes();

const backends = new Map<GpujsMode, GpujsBackend>();

/** One backend per mode per test file, named `gpujs-<mode>` and registered under that name. */
export function backendFor(mode: GpujsMode): GpujsBackend {
  let backend = backends.get(mode);
  if (backend === undefined) {
    backend = createGpujsBackend({ mode, name: `gpujs-${mode}` });
    backends.set(mode, backend);
    registerBackend(backend);
  }
  return backend;
}

/**
 * Tolerance factors (multiples of `toleranceFor('float32')`: rtol 1e-5, atol 1e-7) per mode for
 * results accumulated over `inner` terms. gpu.js `cpu` accumulates in float64 JavaScript numbers
 * and rounds on store, like our cpu backend: one rounding. `webasm` and the GL modes accumulate in
 * float32, an error up to about inner·u relative to the sum of |terms| (u = 2^-24 ≈ 6e-8), i.e.
 * inner/168 of rtol; the factor covers that with margin 4.
 */
export function toleranceFactor(mode: GpujsMode, inner: number): number {
  if (mode === 'cpu') return 1;
  return Math.max(1, (4 * inner) / 168);
}

/**
 * Fewer random cases on the GL modes: each kernel call there costs a draw and each new shape a
 * shader compile (~35 ms on Mesa llvmpipe), so their share of the test time is kept near the
 * other modes'.
 */
export function runsFor(mode: GpujsMode, runs: number): number {
  return isGlMode(mode) ? Math.max(1, Math.ceil(runs / 3)) : runs;
}
