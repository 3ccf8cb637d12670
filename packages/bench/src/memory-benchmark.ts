import { FORMATS } from '@singd/half';
import { KfacPreconditioner, type LinearLayer } from '@singd/kron-curvature';
import { adamw, type Parameters, Singd, sgd } from '@singd/singd';
import { storageSize } from '@singd/structured-matrix';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { stateBytes } from './memory-state-bytes.js';
import { STEP_STRUCTURE_NAMES, type StepStructureName, stepStructure } from './step-structures.js';

/** The layers of the benchmarked model: the MLP 784-256-256-10 (Linear layers with bias). */
export const MEMORY_MLP_LAYERS: readonly LinearLayer[] = Object.freeze([
  { name: 'fc1', inFeatures: 784, outFeatures: 256, bias: true },
  { name: 'fc2', inFeatures: 256, outFeatures: 256, bias: true },
  { name: 'fc3', inFeatures: 256, outFeatures: 10, bias: true },
]);

/** The preconditioner precisions compared (the weights and momentum buffers stay float64). */
export const MEMORY_PRECISIONS = Object.freeze(['float32', 'bfloat16'] as const);

/** A preconditioner precision of the memory benchmark. */
export type MemoryPrecision = (typeof MEMORY_PRECISIONS)[number];

/** The optimizer families of the memory table. */
export type MemoryOptimizerKind = 'singd' | 'ikfac' | 'kfac' | 'adamw' | 'sgd';

/** The state bytes of one layer under one optimizer. */
export interface MemoryLayerBytes {
  readonly layer: string;
  /** Bytes of the preconditioner factors (K, C, m_K, m_C; KFAC: S_K, S_C and their Cholesky factors); 0 for AdamW / SGD. */
  readonly preconditioner: number;
  /** Bytes of the per-parameter buffers (momentum; AdamW: μ and ν). */
  readonly buffers: number;
  /** preconditioner + buffers. */
  readonly state: number;
  /** Bytes of the layer's parameters (weight and bias, float64). */
  readonly parameters: number;
}

/** One row of the memory table: an optimizer at one precision on the whole MLP. */
export interface MemoryRow {
  readonly kind: MemoryOptimizerKind;
  /** `SINGD hierarchical (15, 15)`, `IKFAC`, `KFAC`, `AdamW`, `SGD (momentum 0.9)`. */
  readonly label: string;
  /** The structure of K and C (SINGD, IKFAC = dense); null for the others. */
  readonly structure: StepStructureName | null;
  /** Precision of the preconditioner; null for AdamW / SGD (no preconditioner). */
  readonly precision: MemoryPrecision | null;
  readonly layers: readonly MemoryLayerBytes[];
  /** Total state bytes (the logical size: values × bytes of their dtype). */
  readonly stateBytes: number;
  /** Total parameter bytes. */
  readonly parameterBytes: number;
  readonly stateToParameters: number;
  /** stateBytes / AdamW's stateBytes. */
  readonly ratioToAdamW: number;
  /**
   * Bytes the implementation actually allocates for the state, where that differs from
   * stateBytes (KFAC keeps its factors, rounded to `dtype`, in Float64Arrays); else equal.
   */
  readonly allocatedBytes: number;
  /** Where the numbers come from. */
  readonly source: string;
  /**
   * SINGD / IKFAC: whether the preconditioner bytes of `memoryReport()` equal
   * `storageSize(spec, d) × bytes(dtype)` for K and C (× 2 with the momenta m_K, m_C); null otherwise.
   */
  readonly matchesStorageSize: boolean | null;
}

/** The result of `singd-bench memory`. */
export interface MemoryBenchmarkResult {
  readonly benchmark: 'optimizer-memory';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly model: string;
  readonly layers: readonly LinearLayer[];
  readonly parameterCount: number;
  readonly parameterDtype: 'float64';
  readonly rows: readonly MemoryRow[];
}

/** The flattened parameters of every layer (`<layer>.weight`, `<layer>.bias`), zeros, float64. */
export function mlpParameters(layers: readonly LinearLayer[]): Parameters {
  const params: Record<string, Float64Array> = {};
  for (const layer of layers) {
    params[`${layer.name}.weight`] = new Float64Array(layer.inFeatures * layer.outFeatures);
    if (layer.bias) params[`${layer.name}.bias`] = new Float64Array(layer.outFeatures);
  }
  return params;
}

function layerParameterBytes(layer: LinearLayer): number {
  return (layer.inFeatures + (layer.bias ? 1 : 0)) * layer.outFeatures * Float64Array.BYTES_PER_ELEMENT;
}

function dimensions(layer: LinearLayer): { dK: number; dC: number } {
  return { dK: layer.inFeatures + (layer.bias ? 1 : 0), dC: layer.outFeatures };
}

function singdRow(
  layers: readonly LinearLayer[],
  structure: StepStructureName,
  precision: MemoryPrecision,
  kfacLike: boolean,
): Omit<MemoryRow, 'ratioToAdamW'> {
  const { spec, label } = stepStructure(structure);
  const optimizer = new Singd(layers, {
    structures: { K: spec, C: spec },
    dtypes: { K: precision, C: precision },
    ...(kfacLike ? { kfacLike: true } : {}),
  });
  const report = optimizer.memoryReport();
  const bytesPerEntry = FORMATS[precision].bytesPerElement;
  let matches = true;
  const rows = layers.map((layer): MemoryLayerBytes => {
    const entry = report.layers[layer.name];
    if (entry === undefined) throw new Error(`memoryReport() has no layer '${layer.name}'`);
    const { dK, dC } = dimensions(layer);
    const preconditioner = entry.K + entry.C + entry.mK + entry.mC;
    const copies = kfacLike ? 1 : 2;
    const expected = copies * (storageSize(spec, dK) + storageSize(spec, dC)) * bytesPerEntry;
    if (preconditioner !== expected || entry.state !== preconditioner + entry.momentumBuffer) matches = false;
    return {
      layer: layer.name,
      preconditioner,
      buffers: entry.momentumBuffer,
      state: entry.state,
      parameters: entry.parameters,
    };
  });
  return {
    kind: kfacLike ? 'ikfac' : 'singd',
    label: kfacLike ? 'IKFAC' : `SINGD ${label}${structure === 'dense' ? ' (INGD)' : ''}`,
    structure,
    precision,
    layers: rows,
    stateBytes: report.stateBytes,
    parameterBytes: report.parameterBytes,
    stateToParameters: report.stateBytes / report.parameterBytes,
    allocatedBytes: report.stateBytes,
    source: 'Singd.memoryReport()',
    matchesStorageSize: matches,
  };
}

function kfacRow(
  layers: readonly LinearLayer[],
  precision: MemoryPrecision,
): Omit<MemoryRow, 'ratioToAdamW'> {
  const kfac = new KfacPreconditioner(
    layers.map((layer) => {
      const { dK, dC } = dimensions(layer);
      return { name: layer.name, inputDimension: dK, outputDimension: dC };
    }),
    { dtype: precision },
  );
  const state = kfac.state();
  const bytesPerEntry = FORMATS[precision].bytesPerElement;
  let allocated = 0;
  const rows = layers.map((layer): MemoryLayerBytes => {
    const s = state.layers.find((l) => l.name === layer.name);
    if (s === undefined) throw new Error(`KfacPreconditioner state has no layer '${layer.name}'`);
    // S_K, S_C (read from the state) and their Cholesky factors, of the same sizes.
    const values = 2 * (s.inputCurvature.length + s.outputCurvature.length);
    const momentum = s.inputDimension * s.outputDimension * Float64Array.BYTES_PER_ELEMENT;
    allocated += values * Float64Array.BYTES_PER_ELEMENT + momentum;
    const preconditioner = values * bytesPerEntry;
    return {
      layer: layer.name,
      preconditioner,
      buffers: momentum,
      state: preconditioner + momentum,
      parameters: layerParameterBytes(layer),
    };
  });
  const total = rows.reduce((sum, r) => sum + r.state, 0);
  const parameters = rows.reduce((sum, r) => sum + r.parameters, 0);
  return {
    kind: 'kfac',
    label: 'KFAC',
    structure: null,
    precision,
    layers: rows,
    stateBytes: total,
    parameterBytes: parameters,
    stateToParameters: total / parameters,
    allocatedBytes: allocated,
    source:
      'KfacPreconditioner.state(): S_K, S_C and their Cholesky factors (2(d_K² + d_C²) values in dtype) + a float64 momentum buffer (kfacParameterUpdate)',
    matchesStorageSize: null,
  };
}

function transformRow(
  layers: readonly LinearLayer[],
  kind: 'adamw' | 'sgd',
): Omit<MemoryRow, 'ratioToAdamW'> {
  const params = mlpParameters(layers);
  const optimizer = kind === 'adamw' ? adamw({ lr: 1e-3 }) : sgd({ lr: 1e-2, momentum: 0.9 });
  const state = optimizer.init(params);
  const rows = layers.map((layer): MemoryLayerBytes => {
    const own = (tree: unknown): number => {
      // The state's arrays are keyed like the parameters; count this layer's keys only.
      let total = 0;
      const visit = (value: unknown): void => {
        if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
        for (const [key, item] of Object.entries(value)) {
          if (ArrayBuffer.isView(item)) {
            if (key.startsWith(`${layer.name}.`)) total += item.byteLength;
          } else visit(item);
        }
      };
      visit(tree);
      return total;
    };
    const buffers = own(state);
    return {
      layer: layer.name,
      preconditioner: 0,
      buffers,
      state: buffers,
      parameters: layerParameterBytes(layer),
    };
  });
  const total = stateBytes(state);
  const parameters = rows.reduce((sum, r) => sum + r.parameters, 0);
  if (rows.reduce((sum, r) => sum + r.state, 0) !== total) {
    throw new Error(`${kind}: per-layer state bytes do not add up to the state tree's ${total} bytes`);
  }
  return {
    kind,
    label: kind === 'adamw' ? 'AdamW' : 'SGD (momentum 0.9)',
    structure: null,
    precision: null,
    layers: rows,
    stateBytes: total,
    parameterBytes: parameters,
    stateToParameters: total / parameters,
    allocatedBytes: total,
    source: `the typed arrays of ${kind}().init(params)`,
    matchesStorageSize: null,
  };
}

/**
 * Counts the optimizer-state bytes of the MLP 784-256-256-10 (float64 weights and biases):
 * SINGD with K and C of each structure (dense is INGD), IKFAC (`kfacLike`, dense) and KFAC,
 * each with float32 and bfloat16 preconditioners, and AdamW and SGD with momentum. Nothing is
 * timed; every number is read from the optimizers' own state. Cost: constructing each optimizer.
 */
export function runMemoryBenchmark(
  layers: readonly LinearLayer[] = MEMORY_MLP_LAYERS,
  structures: readonly StepStructureName[] = STEP_STRUCTURE_NAMES,
): MemoryBenchmarkResult {
  const partial: Omit<MemoryRow, 'ratioToAdamW'>[] = [];
  for (const precision of MEMORY_PRECISIONS) {
    for (const structure of structures) partial.push(singdRow(layers, structure, precision, false));
    partial.push(singdRow(layers, 'dense', precision, true));
    partial.push(kfacRow(layers, precision));
  }
  const adam = transformRow(layers, 'adamw');
  partial.push(adam, transformRow(layers, 'sgd'));
  const parameterCount = layers.reduce((sum, l) => sum + dimensions(l).dK * dimensions(l).dC, 0);
  return {
    benchmark: 'optimizer-memory',
    date: new Date().toISOString(),
    machine: machineInfo(),
    model: `MLP ${[layers[0]?.inFeatures, ...layers.map((l) => l.outFeatures)].join('-')} (Linear layers with bias)`,
    layers,
    parameterCount,
    parameterDtype: 'float64',
    rows: partial.map((row) => ({ ...row, ratioToAdamW: row.stateBytes / adam.stateBytes })),
  };
}
