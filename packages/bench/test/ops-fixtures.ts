import type { StructureKind } from '@singd/structured-matrix';
import {
  type BytesCheck,
  DEFAULT_OPS_BENCHMARK_OPTIONS,
  evaluateOpsTargets,
  type GemmCheck,
  growthSteps,
  OPS,
  type OpsBenchmarkResult,
  type RawMeasurement,
  withDenseRatios,
} from '../src/ops-benchmark.js';
import { OPS_STRUCTURES, opsStructure, specStorageEntries } from '../src/ops-structures.js';

/** Synthetic medians: dense c·d², linear c·d, quadratic c·d²/2 (both up to 2048), with overrides. */
export function syntheticMeasurements(
  sizes: readonly number[],
  structures: readonly StructureKind[],
  override: (m: RawMeasurement) => number = (m) => m.medianMs,
  quadraticMaxSize = 2048,
): RawMeasurement[] {
  const raw: RawMeasurement[] = [];
  for (const d of sizes) {
    for (const name of structures) {
      if (opsStructure(name).scaling !== 'linear' && d > quadraticMaxSize) continue;
      for (const { name: op } of OPS) {
        const scaling = opsStructure(name).scaling;
        const base =
          scaling === 'baseline' ? d * d * 1e-4 : scaling === 'quadratic' ? d * d * 5e-5 : d * 1e-4;
        const m: RawMeasurement = {
          structure: name,
          op,
          d,
          n: 256,
          medianMs: op === 'fromInner' ? 2 * base : base,
          minMs: base,
          meanMs: base,
          samples: 10,
        };
        raw.push({ ...m, medianMs: override(m) });
      }
    }
  }
  return raw;
}

export function syntheticBytes(sizes: readonly number[], structures: readonly StructureKind[]): BytesCheck[] {
  return sizes.flatMap((d) =>
    structures.map((name) => {
      const entries = specStorageEntries(opsStructure(name).spec, d);
      return {
        structure: name,
        d,
        byteLength: entries * 4,
        parameterCount: entries,
        storageSize: entries,
        specEntries: entries,
        fromInnerByteLength: entries * 4,
        pass: true,
      };
    }),
  );
}

export const SYNTHETIC_GEMM: GemmCheck = {
  n: 512,
  denseMedianMs: 10,
  denseSamples: 20,
  naiveMedianMs: 80,
  naiveSamples: 5,
  speedup: 8,
  relativeDifference: 1.2e-7,
};

/** A complete result from synthetic numbers (the targets evaluated on them). */
export function syntheticResult(
  options: {
    sizes?: readonly number[];
    structures?: readonly StructureKind[];
    override?: (m: RawMeasurement) => number;
    bytes?: (checks: BytesCheck[]) => BytesCheck[];
    gemm?: Partial<GemmCheck>;
  } = {},
): OpsBenchmarkResult {
  const sizes = options.sizes ?? DEFAULT_OPS_BENCHMARK_OPTIONS.sizes;
  const structures = options.structures ?? OPS_STRUCTURES.map((s) => s.name);
  const raw = syntheticMeasurements(sizes, structures, options.override);
  const measurements = withDenseRatios(raw);
  const growth = growthSteps(raw);
  const bytes = (options.bytes ?? ((b) => b))(syntheticBytes(sizes, structures));
  const gemm = { ...SYNTHETIC_GEMM, ...options.gemm };
  return {
    benchmark: 'structured-ops',
    date: '2026-01-02T03:04:05.000Z',
    machine: { os: 'Linux 6.0 x64', cpuModel: 'Test CPU', cpuCount: 2, node: 'v20.0.0' },
    dtype: 'float32',
    backend: 'cpu',
    options: { ...DEFAULT_OPS_BENCHMARK_OPTIONS, sizes, structures },
    structures: structures.map((name) => {
      const { label, spec, scaling } = opsStructure(name);
      return { name, label, spec, scaling };
    }),
    crossChecks: structures.flatMap((name) =>
      OPS.map(({ name: op }) => ({ structure: name, op, d: sizes[0]!, relativeError: 1e-7, pass: true })),
    ),
    measurements,
    growth,
    bytes,
    gemm,
    targets: evaluateOpsTargets({ structures, measurements, growth, bytes, gemm }),
    elapsedSeconds: 42.4,
  };
}
