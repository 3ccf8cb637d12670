import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/cpu-backend.js';
import {
  availableGpujsModes,
  createGpujsBackend,
  GPUJS_MODES,
  GpujsBuffer,
  isGlMode,
  packedOrder,
  resolveGpujsMode,
} from '../../src/backend/gpujs/index.js';
import { backendFor, TESTED_MODES } from './modes.js';

describe('gpujs mode selection', () => {
  it('lists cpu and webasm always, in preference order', () => {
    const modes = availableGpujsModes();
    expect(modes).toContain('cpu');
    expect(modes).toContain('webasm');
    const order = modes.map((m) => GPUJS_MODES.indexOf(m));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('picks the best available mode and reports it', () => {
    const backend = createGpujsBackend();
    expect(backend.mode).toBe(availableGpujsModes()[0]);
    expect(backend.name).toBe('gpujs');
    backend.destroy();
  });

  it('forces a mode; rejects unknown (RangeError) and unavailable (Error) ones', () => {
    expect(resolveGpujsMode('cpu')).toBe('cpu');
    expect(() => resolveGpujsMode('webgpu')).toThrow(RangeError);
    expect(() => resolveGpujsMode('webgpu')).toThrow(/mode must be one of 'headlessgl'/);
    const missing = GPUJS_MODES.find((m) => !availableGpujsModes().includes(m));
    if (missing !== undefined) expect(() => resolveGpujsMode(missing)).toThrow(/not available here/);
    // webgl needs a browser: never available under Node.
    expect(availableGpujsModes()).not.toContain('webgl');
  });

  // .ci/run installs libxi-dev + xvfb, builds gl and runs the tests under xvfb-run -a; there
  // the headlessgl mode must really be exercised (registered only in CI, never skipped).
  if (process.env['CI'] === 'true') {
    it('CI: headlessgl is available (gl addon built, Xvfb display)', () => {
      expect(availableGpujsModes()).toContain('headlessgl');
      expect(createGpujsBackend().mode).toBe('headlessgl');
    });
  }
});

describe.each(TESTED_MODES)('gpujs backend buffers (mode %s)', (mode) => {
  const backend = backendFor(mode);

  it('uploads, reads, writes, clones and disposes float32 buffers', () => {
    const a = backend.upload('float32', [1, 2.5, 1 + 2 ** -20, 1 / 3]);
    expect(a).toBeInstanceOf(GpujsBuffer);
    expect(a.byteLength).toBe(16);
    expect(Array.from(backend.read(a))).toEqual([1, 2.5, 1 + 2 ** -20, Math.fround(1 / 3)]);
    const b = backend.clone(a);
    backend.write(a, [7, 8], 1);
    expect(Array.from(backend.read(a))).toEqual([1, 7, 8, Math.fround(1 / 3)]);
    expect(Array.from(backend.read(b))).toEqual([1, 2.5, 1 + 2 ** -20, Math.fround(1 / 3)]);
    const raw = backend.readRaw(b);
    expect(raw).toBeInstanceOf(Float32Array);
    const c = backend.uploadRaw('float32', raw);
    expect(Array.from(backend.read(c))).toEqual(Array.from(raw));
    expect(Array.from(backend.read(backend.allocate('float32', 3)))).toEqual([0, 0, 0]);
    expect(backend.read(backend.allocate('float32', 0))).toHaveLength(0);
    backend.dispose(c);
    expect(() => backend.read(c)).toThrow(/disposed/);
  });

  it('rejects other dtypes, bad lengths and offsets, and foreign buffers, leaving state untouched', () => {
    expect(() => backend.allocate('float64', 2)).toThrow(RangeError);
    expect(() => backend.upload('float16', [1])).toThrow(/dtype must be 'float32'/);
    expect(() => backend.allocate('float32', -1)).toThrow(RangeError);
    expect(() => backend.allocate('float32', 1.5)).toThrow(RangeError);
    expect(() => backend.uploadRaw('float32', new Float64Array(2) as unknown as Float32Array)).toThrow(
      TypeError,
    );
    const a = backend.upload('float32', [1, 2]);
    expect(() => backend.write(a, [1, 2], 1)).toThrow(RangeError);
    expect(Array.from(backend.read(a))).toEqual([1, 2]);
    const foreign = createCpuBackend().upload('float32', [1]);
    expect(() => backend.read(foreign)).toThrow(TypeError);
    const other = createGpujsBackend({ mode: 'cpu' });
    expect(() => backend.read(other.upload('float32', [1]))).toThrow(/this gpujs backend/);
  });

  it('keeps results on the device between kernels and reads back only on request', () => {
    const x = backend.upload('float32', [1, -2, 3, -4]);
    const v = { buffer: x, offset: 0, length: 4, stride: 1 };
    backend.kernels.axpby(v, v, 2, 0);
    backend.kernels.addScalar(v, 1);
    const data = (x as GpujsBuffer).data;
    expect(data instanceof Float32Array).toBe(!isGlMode(mode));
    expect(Array.from(backend.read(x))).toEqual([3, -3, 7, -7]);
  });

  it('compiles a kernel once per shape and reuses it', () => {
    const x = backend.upload('float32', [1, 2, 3, 4, 5]);
    const v = { buffer: x, offset: 1, length: 3, stride: 1 };
    backend.kernels.addScalar(v, 1);
    const before = backend.compileStats();
    backend.kernels.addScalar(v, 2);
    backend.kernels.addScalar(v, -0.5);
    const after = backend.compileStats();
    expect(after.compiles).toBe(before.compiles);
    expect(after.cachedCalls).toBe(before.cachedCalls + 2);
    expect(Array.from(backend.read(x))).toEqual([1, 4.5, 5.5, 6.5, 5]);
    backend.kernels.addScalar({ ...v, offset: 2 }, 1);
    expect(backend.compileStats().compiles).toBe(after.compiles + 1);
  });

  it('beta = 0 and accumulate = false never read the old output (NaN stays out)', () => {
    const out = backend.upload('float32', [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    const a = backend.upload('float32', [1, 2, 3, 4]);
    const m = (buffer: typeof a) => ({ buffer, offset: 0, rows: 2, cols: 2, rowStride: 2 });
    backend.kernels.gemm(m(out), m(a), m(a), { transposeA: false, transposeB: false, alpha: 1, beta: 0 });
    expect(Array.from(backend.read(out))).toEqual([7, 10, 15, 22]);
    backend.write(out, [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    backend.kernels.axpby(
      { buffer: out, offset: 0, length: 4, stride: 1 },
      { buffer: a, offset: 0, length: 4, stride: 1 },
      2,
      0,
    );
    expect(Array.from(backend.read(out))).toEqual([2, 4, 6, 8]);
    backend.write(out, [Number.NaN, 0, 0, Number.NaN]);
    backend.kernels.copy(m(out), m(a), { alpha: 1, accumulate: false, transpose: true });
    expect(Array.from(backend.read(out))).toEqual([1, 3, 2, 4]);
  });

  it('maxAbs propagates NaN and ±Infinity; sum and sumSquares are exact on small integers', () => {
    const k = backend.kernels;
    const whole = (values: number[]) => {
      const buffer = backend.upload('float32', values);
      return { buffer, offset: 0, length: values.length, stride: 1 };
    };
    const many = Array.from({ length: 100 }, (_, i) => i - 50);
    expect(k.maxAbs(whole([...many, Number.NaN]))).toBeNaN();
    expect(k.maxAbs(whole([Number.NaN, ...many]))).toBeNaN();
    expect(k.maxAbs(whole([...many, Number.NEGATIVE_INFINITY]))).toBe(Number.POSITIVE_INFINITY);
    expect(k.maxAbs(whole(many))).toBe(50);
    expect(k.maxAbs(whole([]))).toBe(0);
    expect(k.sum(whole(many))).toBe(-50);
    expect(k.sumSquares(whole(many))).toBe(many.reduce((s, x) => s + x * x, 0));
    expect(k.sum(whole([]))).toBe(0);
  });
});

describe('packedOrder', () => {
  it('inverts d(d+1)/2 and rejects other lengths', () => {
    for (let d = 0; d < 3000; d += 7) expect(packedOrder((d * (d + 1)) / 2)).toBe(d);
    expect(() => packedOrder(4)).toThrow(RangeError);
  });
});
