import { GPU } from 'gpu.js';

/**
 * The gpu.js modes this backend can run on, best first: `headlessgl` (Node with the native `gl`
 * addon and a display), `webgl2` and `webgl` (browsers), `webasm` (WebAssembly + f32x4 SIMD on the
 * CPU), `cpu` (transpiled JavaScript). `webgpu` is left out: its kernels are asynchronous, and the
 * `Backend` contract is synchronous.
 */
export const GPUJS_MODES = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'] as const;

/** One of {@link GPUJS_MODES}. */
export type GpujsMode = (typeof GPUJS_MODES)[number];

/** Whether `value` names one of {@link GPUJS_MODES}. */
export function isGpujsMode(value: unknown): value is GpujsMode {
  return typeof value === 'string' && (GPUJS_MODES as readonly string[]).includes(value);
}

function supported(mode: GpujsMode): boolean {
  switch (mode) {
    case 'headlessgl':
      return GPU.isHeadlessGLSupported;
    case 'webgl2':
      return GPU.isWebGL2Supported;
    case 'webgl':
      return GPU.isWebGLSupported;
    case 'webasm':
      return GPU.isWebAssemblySupported;
    case 'cpu':
      return true;
  }
}

/**
 * The modes usable in this process, best first (gpu.js's own probes: a GL context can be
 * created, WebAssembly validates). `cpu` is always available. `headlessgl` needs the `gl` addon
 * built from source and an X display (e.g. `xvfb-run`); without them gpu.js reports it
 * unsupported rather than failing later.
 */
export function availableGpujsModes(): GpujsMode[] {
  return GPUJS_MODES.filter(supported);
}

/** Whether the GL modes compute on a shader pipeline with textures (the others on host arrays). */
export function isGlMode(mode: GpujsMode): boolean {
  return mode === 'headlessgl' || mode === 'webgl2' || mode === 'webgl';
}

/**
 * The mode to use: `requested` if given and available, else the best available.
 * @throws RangeError if `requested` is not a mode name, Error if it is unavailable here.
 */
export function resolveGpujsMode(requested?: string): GpujsMode {
  const available = availableGpujsModes();
  if (requested === undefined) return available[0] ?? 'cpu';
  if (!isGpujsMode(requested)) {
    throw new RangeError(
      `mode must be one of ${GPUJS_MODES.map((m) => `'${m}'`).join(', ')}; got ${JSON.stringify(requested)}`,
    );
  }
  if (!available.includes(requested)) {
    throw new Error(
      `gpu.js mode '${requested}' is not available here (available: ${available.join(', ')})` +
        (requested === 'headlessgl' ? '; it needs the native gl addon and an X display (xvfb-run)' : ''),
    );
  }
  return requested;
}
