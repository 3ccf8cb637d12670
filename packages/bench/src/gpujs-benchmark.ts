import {
  type Backend,
  createCpuBackend,
  type DeviceBuffer,
  KERNEL_NAMES,
  type Kernels,
  type MatrixView,
  type VectorView,
} from '@singd/structured-matrix';
import {
  availableGpujsModes,
  createGpujsBackend,
  type GpujsMode,
} from '@singd/structured-matrix/backend-gpujs';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { median } from './ops-timing.js';

/** A kernel name of the structured-matrix registry. */
export type KernelName = (typeof KERNEL_NAMES)[number];

/** Options of {@link runGpujsBenchmark}. */
export interface GpujsBenchmarkOptions {
  /** Matrix orders d (every kernel runs on d×d operands, vectors of length d or d²). */
  readonly sizes: readonly number[];
  /** gpu.js modes to time (each must be available). */
  readonly modes: readonly GpujsMode[];
  /** Kernels to time. */
  readonly kernels: readonly KernelName[];
  /** Time budget per (backend, kernel, size) for the timed calls, in ms (at least 3 calls). */
  readonly time: number;
  /** Skip a size when the previous size predicts a single call longer than this, in ms. */
  readonly maxCallMs: number;
}

/** Defaults: d = 256 … 2048, every available mode and kernel, 1 s per task, calls up to 4 s. */
export const DEFAULT_GPUJS_BENCHMARK_OPTIONS: GpujsBenchmarkOptions = Object.freeze({
  sizes: [256, 512, 1024, 2048],
  modes: availableGpujsModes(),
  kernels: [...KERNEL_NAMES],
  time: 1000,
  maxCallMs: 4000,
});

/** One measurement: a kernel at one size on one backend (`cpu` or `gpujs-<mode>`). */
export interface GpujsMeasurement {
  readonly kernel: KernelName;
  readonly size: number;
  readonly backend: string;
  /** Median of the timed calls (kernel + device sync), ms; null when skipped. */
  readonly medianMs: number | null;
  /** First call (compile + one run), ms; null when skipped. */
  readonly firstCallMs: number | null;
  /** Kernel compile time: first call − median (0 for the cpu backend, which compiles nothing); null when skipped. */
  readonly compileMs: number | null;
  /** Timed calls. */
  readonly samples: number;
  /** Why the measurement was skipped (predicted call time), when it was. */
  readonly skipped?: string;
}

/** The result of {@link runGpujsBenchmark}. */
export interface GpujsBenchmarkResult {
  readonly benchmark: 'gpujs-kernels';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly options: GpujsBenchmarkOptions;
  /** Backends timed, the cpu backend (the baseline) first. */
  readonly backends: readonly string[];
  readonly measurements: readonly GpujsMeasurement[];
}

/** Work exponent of a kernel in d on the gpujs backend (all operands d×d): 3 for the O(d³) kernels. */
export function workExponent(kernel: KernelName): 2 | 3 {
  switch (kernel) {
    case 'gemm':
    case 'toeplitzMatmul':
    case 'columnAutocorrelations':
    case 'packedTriangularMatmul':
    case 'packedTriangularProduct':
    case 'packedGram':
    case 'packedTransposedGram':
      return 3;
    default:
      return 2;
  }
}

function randomValues(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

/** A prepared kernel call at size d on one backend: `run()` calls the kernel once. */
interface Workload {
  run(): unknown;
  buffers: DeviceBuffer[];
}

/** The call of `kernel` on d×d operands (vectors of length d², Toeplitz coefficients of length d). */
export function makeWorkload(backend: Backend, kernel: KernelName, d: number): Workload {
  const buffers: DeviceBuffer[] = [];
  const upload = (length: number, seed: number) => {
    const buffer = backend.upload('float32', randomValues(length, seed));
    buffers.push(buffer);
    return buffer;
  };
  const mat = (seed: number): MatrixView => ({
    buffer: upload(d * d, seed),
    offset: 0,
    rows: d,
    cols: d,
    rowStride: d,
  });
  const vec = (length: number, seed: number): VectorView => ({
    buffer: upload(length, seed),
    offset: 0,
    length,
    stride: 1,
  });
  const packed = (seed: number) => vec((d * (d + 1)) / 2, seed);
  const k: Kernels = backend.kernels;
  const acc = { alpha: 0.5, accumulate: true };
  switch (kernel) {
    case 'gemm': {
      const [o, a, b] = [mat(1), mat(2), mat(3)];
      return {
        buffers,
        run: () => k.gemm(o, a, b, { transposeA: false, transposeB: false, alpha: 1, beta: 0 }),
      };
    }
    case 'scaleRows': {
      const [o, s, x] = [mat(1), vec(d, 2), mat(3)];
      return { buffers, run: () => k.scaleRows(o, s, x, acc) };
    }
    case 'scaleColumns': {
      const [o, x, s] = [mat(1), mat(2), vec(d, 3)];
      return { buffers, run: () => k.scaleColumns(o, x, s, acc) };
    }
    case 'axpby': {
      const [o, x] = [vec(d * d, 1), vec(d * d, 2)];
      return { buffers, run: () => k.axpby(o, x, 0.5, 0.25) };
    }
    case 'multiply': {
      const [o, a, b] = [vec(d * d, 1), vec(d * d, 2), vec(d * d, 3)];
      return { buffers, run: () => k.multiply(o, a, b, acc) };
    }
    case 'fill': {
      const o = vec(d * d, 1);
      return { buffers, run: () => k.fill(o, 0.25) };
    }
    case 'addScalar': {
      const o = vec(d * d, 1);
      return { buffers, run: () => k.addScalar(o, 1e-3) };
    }
    case 'copy': {
      const [o, x] = [mat(1), mat(2)];
      return { buffers, run: () => k.copy(o, x, { ...acc, transpose: true }) };
    }
    case 'rowSquaredSums': {
      const [o, x] = [vec(d, 1), mat(2)];
      return { buffers, run: () => k.rowSquaredSums(o, x, acc) };
    }
    case 'columnSquaredSums': {
      const [o, x] = [vec(d, 1), mat(2)];
      return { buffers, run: () => k.columnSquaredSums(o, x, acc) };
    }
    case 'diagonalSums': {
      const [o, x] = [vec(d, 1), mat(2)];
      return { buffers, run: () => k.diagonalSums(o, x, { ...acc, lower: true }) };
    }
    case 'toeplitzMatmul': {
      const [o, t, x] = [mat(1), vec(d, 2), mat(3)];
      return { buffers, run: () => k.toeplitzMatmul(o, t, x, { lower: true }) };
    }
    case 'toeplitzProduct': {
      const [o, a, b] = [vec(d, 1), vec(d, 2), vec(d, 3)];
      return { buffers, run: () => k.toeplitzProduct(o, a, b) };
    }
    case 'columnAutocorrelations': {
      const [o, x] = [vec(d, 1), mat(2)];
      return { buffers, run: () => k.columnAutocorrelations(o, x, { alpha: 1 }) };
    }
    case 'packedTriangularMatmul': {
      const [o, l, x] = [mat(1), packed(2), mat(3)];
      return { buffers, run: () => k.packedTriangularMatmul(o, l, x, { lower: true, transpose: false }) };
    }
    case 'packedTriangularProduct': {
      const [o, a, b] = [packed(1), packed(2), packed(3)];
      return { buffers, run: () => k.packedTriangularProduct(o, a, b, { lower: true }) };
    }
    case 'packedGram': {
      const [o, x] = [packed(1), mat(2)];
      return { buffers, run: () => k.packedGram(o, x, { lower: true, offDiagonalScale: 2 }) };
    }
    case 'packedTransposedGram': {
      const [o, l] = [packed(1), packed(2)];
      return { buffers, run: () => k.packedTransposedGram(o, l, { lower: true, offDiagonalScale: 2 }) };
    }
    case 'sum': {
      const x = vec(d * d, 1);
      return { buffers, run: () => k.sum(x) };
    }
    case 'sumSquares': {
      const x = vec(d * d, 1);
      return { buffers, run: () => k.sumSquares(x) };
    }
    case 'maxAbs': {
      const x = vec(d * d, 1);
      return { buffers, run: () => k.maxAbs(x) };
    }
  }
}

interface Timed {
  readonly backend: Backend;
  /** Waits for queued device work (GL: gl.finish). */
  readonly sync: () => void;
}

function measure(timed: Timed, kernel: KernelName, d: number, time: number): GpujsMeasurement {
  const workload = makeWorkload(timed.backend, kernel, d);
  const call = () => {
    const start = performance.now();
    workload.run();
    timed.sync();
    return performance.now() - start;
  };
  const firstCallMs = call();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < 3 || (spent < time && samples.length < 50)) {
    const ms = call();
    samples.push(ms);
    spent += ms;
  }
  for (const buffer of workload.buffers) timed.backend.dispose(buffer);
  const medianMs = median(samples);
  const compiles = timed.backend.name !== 'cpu';
  return {
    kernel,
    size: d,
    backend: timed.backend.name,
    medianMs,
    firstCallMs,
    compileMs: compiles ? Math.max(0, firstCallMs - medianMs) : 0,
    samples: samples.length,
  };
}

/**
 * Times every requested kernel at every size on the cpu backend (the baseline) and on the gpujs
 * backend in each requested mode: one first call (compile + run, reported separately as
 * compile time = first call − median) and then timed calls, each followed by a device sync
 * (`gl.finish()` on GL), until `time` ms and at least 3 calls. A size is skipped (recorded with
 * the reason) when the previous size predicts one call above `maxCallMs` (growth d^2 or d^3).
 */
export function runGpujsBenchmark(
  options: GpujsBenchmarkOptions = DEFAULT_GPUJS_BENCHMARK_OPTIONS,
  progress: (line: string) => void = () => {},
): GpujsBenchmarkResult {
  const available = availableGpujsModes();
  for (const mode of options.modes) {
    if (!available.includes(mode)) {
      throw new RangeError(`modes: '${mode}' is not available here (available: ${available.join(', ')})`);
    }
  }
  const cpu = createCpuBackend();
  const timedBackends: Timed[] = [
    { backend: cpu, sync: () => {} },
    ...options.modes.map((mode) => {
      const backend = createGpujsBackend({ mode, name: `gpujs-${mode}` });
      return { backend, sync: () => backend.finish() };
    }),
  ];
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const measurements: GpujsMeasurement[] = [];
  for (const kernel of options.kernels) {
    for (const timed of timedBackends) {
      let previous: GpujsMeasurement | undefined;
      for (const d of sizes) {
        const predicted =
          previous?.medianMs == null ? 0 : previous.medianMs * (d / previous.size) ** workExponent(kernel);
        if (predicted > options.maxCallMs) {
          measurements.push({
            kernel,
            size: d,
            backend: timed.backend.name,
            medianMs: null,
            firstCallMs: null,
            compileMs: null,
            samples: 0,
            skipped: `predicted ${Math.round(predicted)} ms per call > ${options.maxCallMs} ms`,
          });
          progress(`${kernel} d=${d} ${timed.backend.name}: skipped (predicted ${Math.round(predicted)} ms)`);
          continue;
        }
        const m = measure(timed, kernel, d, options.time);
        measurements.push(m);
        if (m.medianMs !== null) previous = m;
        progress(
          `${kernel} d=${d} ${timed.backend.name}: median ${m.medianMs?.toFixed(2)} ms, compile ${m.compileMs?.toFixed(1)} ms`,
        );
      }
    }
  }
  return {
    benchmark: 'gpujs-kernels',
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: { ...options, sizes },
    backends: timedBackends.map((t) => t.backend.name),
    measurements,
  };
}

/**
 * The smallest size at which `backend` is faster than the cpu backend for `kernel` (and stays
 * faster at every larger size measured on both), or null when it never is.
 */
export function crossover(result: GpujsBenchmarkResult, kernel: KernelName, backend: string): number | null {
  const rows = (name: string) =>
    new Map(
      result.measurements
        .filter((m) => m.kernel === kernel && m.backend === name && m.medianMs !== null)
        .map((m) => [m.size, m.medianMs!] as const),
    );
  const base = rows('cpu');
  const mine = rows(backend);
  const common = [...mine.keys()].filter((d) => base.has(d)).sort((a, b) => a - b);
  let found: number | null = null;
  for (const d of common) {
    if (mine.get(d)! < base.get(d)!) found ??= d;
    else found = null;
  }
  return found;
}
