/**
 * A small timing harness for calls that take from microseconds to seconds: warm up, then
 * time single calls until both a time budget and a minimum count are met, and report the
 * median. Slow calls get few samples (the minimum), fast ones many (up to the maximum).
 */

/** How long and how often one call is timed. */
export interface TimingSettings {
  /** Time budget for the timed calls, in milliseconds (the warm-up gets a quarter of it). */
  readonly time: number;
  /** Timed calls at least, even past the budget. */
  readonly minSamples: number;
  /** Timed calls at most, even within the budget. */
  readonly maxSamples: number;
}

/** Statistics over timed samples, in milliseconds. */
export interface SampleSummary {
  readonly medianMs: number;
  readonly minMs: number;
  readonly meanMs: number;
  /** Timed calls. */
  readonly samples: number;
}

/** The timing of one call: statistics over the timed samples, and the warm-up calls. */
export interface Timing extends SampleSummary {
  /** Untimed warm-up calls made first (at least one). */
  readonly warmup: number;
}

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, minimum and mean of `samples` (at least one). */
export function summarizeSamples(samples: readonly number[]): SampleSummary {
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const sample of samples) {
    total += sample;
    min = Math.min(min, sample);
  }
  return { medianMs: median(samples), minMs: min, meanMs: total / samples.length, samples: samples.length };
}

/** Results of timed calls are kept here so that no call can be optimised away. */
let sink: unknown;

/** The last result a timed call returned (keeps the results observable). */
export function lastTimedResult(): unknown {
  return sink;
}

/**
 * Warms `fn` up: one call, more while the warm-up has taken less than `time / 4` ms (at
 * most `maxSamples` calls). Returns the number of calls.
 */
export function warmUp(fn: () => unknown, settings: TimingSettings): number {
  let calls = 0;
  let elapsed = 0;
  do {
    const start = performance.now();
    sink = fn();
    elapsed += performance.now() - start;
    calls++;
  } while (elapsed < settings.time / 4 && calls < settings.maxSamples);
  return calls;
}

/**
 * Times single calls of `fn` with `performance.now()` until at least `minSamples` calls and
 * `time` ms of timed calls, or `maxSamples` calls; returns the times in milliseconds.
 */
export function collectSamples(fn: () => unknown, settings: TimingSettings): number[] {
  const samples: number[] = [];
  let total = 0;
  while (
    samples.length < settings.maxSamples &&
    (samples.length < settings.minSamples || total < settings.time)
  ) {
    const start = performance.now();
    sink = fn();
    const elapsed = performance.now() - start;
    samples.push(elapsed);
    total += elapsed;
  }
  return samples;
}

/** Times `fn`: `warmUp`, then `collectSamples`, summarised. */
export function timeCall(fn: () => unknown, settings: TimingSettings): Timing {
  const warmup = warmUp(fn, settings);
  return { ...summarizeSamples(collectSamples(fn, settings)), warmup };
}
