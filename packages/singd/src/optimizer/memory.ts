/**
 * Bytes of SINGD's state next to the parameters' (what users compare with AdamW's 2×).
 *
 * @module
 */
import type { StructuredMatrix } from '@singd/structured-matrix';
import type { ResolvedLayer } from './layers.js';
import type { SingdState } from './singd-optimizer.js';

/** Bytes of one layer's state (see {@link singdMemoryReport}). */
export interface SingdLayerMemory {
  readonly K: number;
  readonly C: number;
  /** 0 when the momenta are not allocated (alpha1 = 0, e.g. kfacLike). */
  readonly mK: number;
  readonly mC: number;
  /** 0 when momentum = 0. */
  readonly momentumBuffer: number;
  /** K + C + mK + mC + momentumBuffer. */
  readonly state: number;
  /** Bytes of the layer's parameters W̃ (float64). */
  readonly parameters: number;
}

/** The memory report of `Singd.memoryReport()`. */
export interface SingdMemoryReport {
  readonly layers: Record<string, SingdLayerMemory>;
  readonly stateBytes: number;
  readonly parameterBytes: number;
  /** stateBytes / (2 × parameterBytes): SINGD's state relative to AdamW's two moment buffers. */
  readonly ratioToAdamW: number;
}

function bytes(m: StructuredMatrix | undefined): number {
  return m === undefined ? 0 : m.byteLength;
}

/**
 * Bytes per layer of K, C, m_K, m_C (their storage: structured entries × bytes per element of
 * the dtype, 2 for the half formats) and of the momentum buffer, next to the parameter bytes
 * (`d_C·d_K` float64 values). Pending H's are transient and not counted. Cost O(#layers).
 */
export function singdMemoryReport(layers: readonly ResolvedLayer[], state: SingdState): SingdMemoryReport {
  const report: Record<string, SingdLayerMemory> = {};
  let stateBytes = 0;
  let parameterBytes = 0;
  for (const layer of layers) {
    const { K, C, mK, mC } = state[0].layers[layer.name]!;
    const buffer = state[1][layer.name]![1].momentumBuffer[layer.name];
    const momentumBuffer = buffer === undefined ? 0 : buffer.byteLength;
    const total = bytes(K) + bytes(C) + bytes(mK) + bytes(mC) + momentumBuffer;
    const parameters = layer.dC * layer.dK * Float64Array.BYTES_PER_ELEMENT;
    report[layer.name] = {
      K: bytes(K),
      C: bytes(C),
      mK: bytes(mK),
      mC: bytes(mC),
      momentumBuffer,
      state: total,
      parameters,
    };
    stateBytes += total;
    parameterBytes += parameters;
  }
  return { layers: report, stateBytes, parameterBytes, ratioToAdamW: stateBytes / (2 * parameterBytes) };
}
