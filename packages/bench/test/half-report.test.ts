import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HALF_BENCHMARK_OPTIONS,
  evaluateTargets,
  HALF_TASKS,
  type HalfBenchmarkResult,
  type TaskMeasurement,
} from '../src/half-benchmark.js';
import { halfTargetsTable, renderHalfRoundingMarkdown, renderHalfRoundingText } from '../src/half-report.js';

const MEDIANS_MS = [2, 2.5, 8, 10, 16, 20];

function sampleResult(): HalfBenchmarkResult {
  const tasks: TaskMeasurement[] = HALF_TASKS.map((info, i) => ({
    ...info,
    medianMs: MEDIANS_MS[i]!,
    meanMs: MEDIANS_MS[i]! * 1.1,
    rme: 1,
    samples: 50,
    megaValuesPerSecond: 1_048_576 / MEDIANS_MS[i]! / 1000,
    speedupVsReference: 16 / MEDIANS_MS[i]!,
  }));
  return {
    benchmark: 'half-rounding',
    date: '2025-01-02T03:04:05.000Z',
    machine: { os: 'Linux 6.1 x64', cpuModel: 'Test CPU', cpuCount: 4, node: 'v20.0.0' },
    options: DEFAULT_HALF_BENCHMARK_OPTIONS,
    crossCheck: { values: 1_048_576, checks: ['a', 'b'] },
    tasks,
    targets: evaluateTargets(tasks),
  };
}

describe('evaluateTargets', () => {
  it('checks throughput and the speed-up over Float16Array set', () => {
    const targets = sampleResult().targets;
    expect(targets.map((t) => [t.description, t.pass])).toEqual([
      ['encodeBFloat16 ≥ 150 M values/s', true],
      ['roundArray bfloat16 ≥ 150 M values/s', true],
      ['encodeFloat16 ≥ 60 M values/s', true],
      ['roundArray float16 ≥ 60 M values/s', true],
      ['encodeFloat16 ≥ 1.5× Float16Array set', true],
      ['roundArray float16 ≥ 1.5× Float16Array set', true],
    ]);
    expect(targets[4]!.measured).toBe(2);
  });

  it('fails a target that is not met', () => {
    const slow = sampleResult().tasks.map((t) =>
      t.name === 'encodeFloat16' ? { ...t, speedupVsReference: 1.2 } : t,
    );
    const target = evaluateTargets(slow).find(
      (t) => t.description === 'encodeFloat16 ≥ 1.5× Float16Array set',
    )!;
    expect(target).toMatchObject({ measured: 1.2, required: 1.5, pass: false });
    expect(halfTargetsTable({ ...sampleResult(), targets: [target] }).rows).toEqual([
      ['encodeFloat16 ≥ 1.5× Float16Array set', '1.20×', 'FAIL'],
    ]);
  });
});

describe('renderHalfRoundingMarkdown', () => {
  it('renders the machine line, the timing table and the target table', () => {
    const markdown = renderHalfRoundingMarkdown(sampleResult());
    expect(markdown).toBe(
      [
        '1,048,576 float32 values per call (seed 1); median over ≥ 10 calls and ≥ 1000 ms per task (tinybench). ' +
          'Test CPU (4 logical cores), Linux 6.1 x64, Node v20.0.0, 2025-01-02T03:04:05.000Z.',
        '',
        '| task                | library              | timed call                       | median (ms) | M values/s | × Float16Array set |',
        '| ------------------- | -------------------- | -------------------------------- | ----------: | ---------: | -----------------: |',
        '| encodeBFloat16      | @singd/half          | encodeBFloat16(out, src)         |        2.00 |      524.3 |              8.00× |',
        "| roundArray bfloat16 | @singd/half          | roundArray(out, src, 'bfloat16') |        2.50 |      419.4 |              6.40× |",
        '| encodeFloat16       | @singd/half          | encodeFloat16(out, src)          |        8.00 |      131.1 |              2.00× |',
        "| roundArray float16  | @singd/half          | roundArray(out, src, 'float16')  |        10.0 |      104.9 |              1.60× |",
        '| Float16Array set    | @petamoriken/float16 | f16array.set(src)                |        16.0 |       65.5 |              1.00× |',
        '| f16round loop       | @petamoriken/float16 | out[i] = f16round(src[i])        |        20.0 |       52.4 |              0.80× |',
        '',
        '| target                                     |         measured | result |',
        '| ------------------------------------------ | ---------------: | ------ |',
        '| encodeBFloat16 ≥ 150 M values/s            | 524.3 M values/s | PASS   |',
        '| roundArray bfloat16 ≥ 150 M values/s       | 419.4 M values/s | PASS   |',
        '| encodeFloat16 ≥ 60 M values/s              | 131.1 M values/s | PASS   |',
        '| roundArray float16 ≥ 60 M values/s         | 104.9 M values/s | PASS   |',
        '| encodeFloat16 ≥ 1.5× Float16Array set      |            2.00× | PASS   |',
        '| roundArray float16 ≥ 1.5× Float16Array set |            1.60× | PASS   |',
        '',
      ].join('\n'),
    );
  });

  it('renders the same content for the terminal', () => {
    const text = renderHalfRoundingText(sampleResult());
    expect(text).toContain('Cross-check: 2 comparisons agreed on all 1048576 values.');
    expect(text).toMatch(
      /^encodeFloat16 +│ @singd\/half +│ encodeFloat16\(out, src\) +│ +8\.00 │ +131\.1 │ +2\.00×$/m,
    );
    expect(text).toMatch(/│ PASS$/m);
  });
});
