import { createCpuBackend, KERNEL_NAMES } from '@singd/structured-matrix';
import { createGpujsBackend } from '@singd/structured-matrix/backend-gpujs';
import { describe, expect, it } from 'vitest';
import {
  crossover,
  type GpujsBenchmarkResult,
  type GpujsMeasurement,
  makeWorkload,
  runGpujsBenchmark,
} from '../src/gpujs-benchmark.js';
import { gpujsCrossoverTable, renderGpujsMarkdown } from '../src/gpujs-report.js';

describe('gpujs benchmark', () => {
  it('runs the same workload on cpu and gpujs with the same results (every kernel)', () => {
    const cpu = createCpuBackend();
    const gpujs = createGpujsBackend({ mode: 'webasm' });
    for (const kernel of KERNEL_NAMES) {
      const a = makeWorkload(cpu, kernel, 6);
      const b = makeWorkload(gpujs, kernel, 6);
      const ra = a.run();
      const rb = b.run();
      if (typeof ra === 'number') expect(rb as number).toBeCloseTo(ra, 4);
      a.buffers.forEach((buffer, i) => {
        const x = cpu.read(buffer);
        const y = gpujs.read(b.buffers[i]!);
        y.forEach((v, j) => {
          expect(Math.abs(v - x[j]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(x[j]!)));
        });
      });
    }
  });

  it('measures every backend, kernel and size, compile time apart, and skips predicted long calls', () => {
    const result = runGpujsBenchmark({
      sizes: [8, 4],
      modes: ['cpu'],
      kernels: ['gemm', 'sum'],
      time: 1,
      maxCallMs: 1e6,
    });
    expect(result.backends).toEqual(['cpu', 'gpujs-cpu']);
    expect(result.options.sizes).toEqual([4, 8]);
    expect(result.measurements).toHaveLength(2 * 2 * 2);
    for (const m of result.measurements) {
      expect(m.medianMs).toBeGreaterThan(0);
      expect(m.samples).toBeGreaterThanOrEqual(3);
      expect(m.compileMs).toBeGreaterThanOrEqual(0);
    }
    const skipping = runGpujsBenchmark({
      sizes: [4, 4096],
      modes: ['cpu'],
      kernels: ['gemm'],
      time: 1,
      maxCallMs: 1e-6,
    });
    expect(skipping.measurements.filter((m) => m.size === 4096).every((m) => m.skipped !== undefined)).toBe(
      true,
    );
    expect(renderGpujsMarkdown(result)).toContain('| gemm');
  });

  it('finds the size from which a backend stays faster than cpu', () => {
    const m = (backend: string, size: number, medianMs: number): GpujsMeasurement => ({
      kernel: 'gemm',
      size,
      backend,
      medianMs,
      firstCallMs: medianMs,
      compileMs: 0,
      samples: 3,
    });
    const result = {
      backends: ['cpu', 'gpujs-webasm'],
      options: { sizes: [1, 2, 3, 4], modes: ['webasm'], kernels: ['gemm'], time: 1, maxCallMs: 1 },
      measurements: [
        m('cpu', 1, 1),
        m('cpu', 2, 2),
        m('cpu', 3, 3),
        m('cpu', 4, 4),
        m('gpujs-webasm', 1, 0.5),
        m('gpujs-webasm', 2, 3),
        m('gpujs-webasm', 3, 2),
        m('gpujs-webasm', 4, 1),
      ],
    } as unknown as GpujsBenchmarkResult;
    expect(crossover(result, 'gemm', 'gpujs-webasm')).toBe(3);
    expect(gpujsCrossoverTable(result).rows).toEqual([['gemm', '3']]);
  });
});
