import { describe, expect, it } from 'vitest';
import {
  crossCheckHalfRounding,
  HALF_TASKS,
  REFERENCE_TASK,
  runHalfBenchmark,
} from '../src/half-benchmark.js';
import { halfBenchmarkInput, SPECIAL_VALUES, seededRandom } from '../src/sample-data.js';

describe('halfBenchmarkInput', () => {
  it('is deterministic, mixes magnitudes and includes the specials', () => {
    const a = halfBenchmarkInput(4096, 7);
    expect(a).toEqual(halfBenchmarkInput(4096, 7));
    expect(a).not.toEqual(halfBenchmarkInput(4096, 8));
    const finite = [...a].filter((x) => Number.isFinite(x) && x !== 0).map((x) => Math.abs(x));
    expect(Math.min(...finite)).toBeLessThan(2 ** -14);
    expect(Math.max(...finite)).toBeGreaterThan(65520);
    for (const special of SPECIAL_VALUES) {
      expect([...a].some((x) => Object.is(x, Math.fround(special)))).toBe(true);
    }
  });

  it('draws uniform numbers in [0, 1)', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 1000 }, random);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draws).size).toBe(1000);
  });
});

describe('crossCheckHalfRounding', () => {
  it('agrees with @petamoriken/float16 on the benchmark input', () => {
    const report = crossCheckHalfRounding(halfBenchmarkInput(20_000));
    expect(report.values).toBe(20_000);
    expect(report.checks.length).toBeGreaterThanOrEqual(5);
  });
});

describe('runHalfBenchmark (smoke run: tiny array and budget; speed is not asserted)', () => {
  it('returns one measurement per task and one check per target', async () => {
    const progress: string[] = [];
    const result = await runHalfBenchmark(
      { length: 1024, time: 1, iterations: 2, warmupTime: 0, warmupIterations: 1 },
      (line) => progress.push(line),
    );
    expect(result.benchmark).toBe('half-rounding');
    expect(result.options.length).toBe(1024);
    expect(result.machine.cpuCount).toBeGreaterThan(0);
    expect(result.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.tasks.map((t) => t.name)).toEqual(HALF_TASKS.map((t) => t.name));
    for (const task of result.tasks) {
      expect(task.samples).toBeGreaterThanOrEqual(2);
      expect(task.medianMs).toBeGreaterThan(0);
      expect(task.megaValuesPerSecond).toBeCloseTo(1024 / task.medianMs / 1000, 6);
    }
    expect(result.tasks.find((t) => t.name === REFERENCE_TASK)!.speedupVsReference).toBe(1);
    expect(result.targets).toHaveLength(6);
    for (const target of result.targets) expect(target.pass).toBe(target.measured >= target.required);
    expect(progress[0]).toContain('cross-check passed');
    expect(progress).toHaveLength(1 + HALF_TASKS.length);
  });
});
