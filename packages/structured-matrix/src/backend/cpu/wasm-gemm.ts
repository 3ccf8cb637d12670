import { gemmF32Base64 } from './wasm/gemm-f32-wasm.js';

/** The instantiated float32 gemm module, `null` where WebAssembly SIMD is unavailable. */
interface GemmModule {
  readonly memory: WebAssembly.Memory;
  readonly gemm: (...args: number[]) => void;
}

let loaded: GemmModule | null | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function gemmModule(): GemmModule | null {
  if (loaded === undefined) {
    try {
      const module = new WebAssembly.Module(decodeBase64(gemmF32Base64));
      const instance = new WebAssembly.Instance(module, {});
      loaded = instance.exports as unknown as GemmModule;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** True where the WebAssembly SIMD float32 gemm can run (it compiles on first use). */
export function wasmGemmAvailable(): boolean {
  return gemmModule() !== null;
}

const PAGE = 65536;
/** Depth of one k-panel of the WebAssembly product (a 256 × n float32 panel of B stays in L2). */
const KB = 256;

/**
 * `C[m×n] += fl(alpha·A)[m×k]·B[k×n]` for float32 arrays, computed by the WebAssembly SIMD
 * kernel (`wasm/gemm-f32.wat`) on zero-padded copies of the operands in its linear memory.
 * Every entry is accumulated in float32, in order p = 0 … k−1, exactly like
 * `c = fround(c + fround(x·y))`, so it matches the scalar fallback bit for bit.
 * Cost O(m·n·k) plus O(m·k + k·n + m·n) copies. Returns false if WebAssembly is unavailable.
 */
export function wasmGemmF32(
  c: Float32Array,
  cOffset: number,
  ldc: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
): boolean {
  const module = gemmModule();
  if (module === null) return false;
  const mp = (m + 3) & ~3;
  const np = (n + 7) & ~7;
  const aBytes = mp * k * 4;
  const bBytes = k * np * 4;
  const cBytes = mp * np * 4;
  const needed = aBytes + bBytes + cBytes;
  const memory = module.memory;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  const heap = new Float32Array(memory.buffer);
  const aBase = 0;
  const bBase = aBytes / 4;
  const cBase = (aBytes + bBytes) / 4;
  heap.fill(0, 0, needed / 4);
  for (let i = 0; i < m; i++) {
    const source = aOffset + i * lda;
    const target = aBase + i * k;
    if (alpha === 1) heap.set(a.subarray(source, source + k), target);
    else for (let p = 0; p < k; p++) heap[target + p] = alpha * a[source + p]!;
  }
  for (let p = 0; p < k; p++) heap.set(b.subarray(bOffset + p * ldb, bOffset + p * ldb + n), bBase + p * np);
  for (let i = 0; i < m; i++) heap.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cBase + i * np);
  // k-panels of KB rows keep the streamed panel of B in cache for every 4-row strip of C;
  // C accumulates across panels in order, so the result does not depend on KB.
  for (let k0 = 0; k0 < k; k0 += KB) {
    const depth = Math.min(KB, k - k0);
    module.gemm(cBase * 4, (aBase + k0) * 4, (bBase + k0 * np) * 4, mp, np, depth, np, k, np);
  }
  const result = new Float32Array(memory.buffer);
  for (let i = 0; i < m; i++) c.set(result.subarray(cBase + i * np, cBase + i * np + n), cOffset + i * ldc);
  return true;
}

/** One operand of {@link wasmGemmF32Batched}: item `t` starts at `offset + t·stride`. */
export interface BatchedOperand {
  readonly data: Float32Array;
  readonly offset: number;
  /** Elements between consecutive batch items. */
  readonly stride: number;
  /** Leading dimension (row stride) of one item as stored. */
  readonly ld: number;
  /** True if the item is stored transposed (the product reads its transpose). */
  readonly transpose: boolean;
}

/** Rows at least this long are copied with `set` (a subarray costs about as much as 64 stores). */
const SET_MIN_LENGTH = 64;

/** `target[t … t+length) ← source[s … s+length)`. */
function copyRow(target: Float32Array, t: number, source: Float32Array, s: number, length: number): void {
  if (length >= SET_MIN_LENGTH) target.set(source.subarray(s, s + length), t);
  else for (let j = 0; j < length; j++) target[t + j] = source[s + j]!;
}

/** Bytes of the module's memory one chunk of batch items may use (grown once, then reused). */
const BATCH_CHUNK_BYTES = 1 << 23;

/**
 * `C_t ← beta·C_t + fl(alpha·op(A_t))·op(B_t)` for `count` float32 batch items, each
 * `C_t` m × n and the inner dimension k > 0, by the WebAssembly SIMD kernel: the items of a
 * chunk (by default up to 8 MiB of zero-padded operands) are copied into the module's memory in one pass,
 * transposing on the fly, multiplied one after another there, and copied back in one pass —
 * no per-item allocation or heap clearing. Every entry is the same float32 sequence as the
 * scalar loop: `C ← fl(beta·C)` (0 without reading when beta = 0), then
 * `c = fl(c + fl(fl(alpha·a)·b))` in order p = 0 … k−1, so results equal the per-item kernel
 * bit for bit. `C` must not share storage with `A` or `B`. `chunkBytes` bounds the memory one
 * chunk uses (at least one item per chunk). Cost O(count·m·n·k) plus
 * O(count·(m·k + k·n + m·n)) copies. Returns false if WebAssembly is unavailable.
 */
export function wasmGemmF32Batched(
  c: { readonly data: Float32Array; readonly offset: number; readonly stride: number; readonly ld: number },
  a: BatchedOperand,
  b: BatchedOperand,
  shape: { readonly m: number; readonly n: number; readonly k: number; readonly count: number },
  alpha: number,
  beta: number,
  chunkBytes: number = BATCH_CHUNK_BYTES,
): boolean {
  const module = gemmModule();
  if (module === null) return false;
  const { m, n, k, count } = shape;
  const mp = (m + 3) & ~3;
  const np = (n + 7) & ~7;
  const aSize = mp * k;
  const bSize = k * np;
  const cSize = mp * np;
  const itemSize = aSize + bSize + cSize;
  const perChunk = Math.max(1, Math.min(count, Math.floor(chunkBytes / (4 * itemSize))));
  const needed = perChunk * itemSize * 4;
  const memory = module.memory;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  const heap = new Float32Array(memory.buffer);
  const aBase = 0;
  const bBase = perChunk * aSize;
  const cBase = bBase + perChunk * bSize;
  const padded = mp !== m || np !== n;
  const { data: aData, ld: lda } = a;
  const { data: bData, ld: ldb } = b;
  const { data: cData, ld: ldc } = c;
  for (let t0 = 0; t0 < count; t0 += perChunk) {
    const items = Math.min(perChunk, count - t0);
    // Padding rows of A and padding columns of B and C must be zero; their real entries are
    // all overwritten below.
    if (padded) heap.fill(0, 0, perChunk * itemSize);
    for (let s = 0; s < items; s++) {
      const t = t0 + s;
      const aItem = a.offset + t * a.stride;
      const aTarget = aBase + s * aSize;
      if (a.transpose) {
        // Stored k × m: read its rows in order, scatter into the (cached) heap item.
        for (let p = 0; p < k; p++) {
          const source = aItem + p * lda;
          for (let i = 0; i < m; i++) heap[aTarget + i * k + p] = alpha * aData[source + i]!;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const source = aItem + i * lda;
          const target = aTarget + i * k;
          if (alpha === 1) copyRow(heap, target, aData, source, k);
          else for (let p = 0; p < k; p++) heap[target + p] = alpha * aData[source + p]!;
        }
      }
      const bItem = b.offset + t * b.stride;
      const bTarget = bBase + s * bSize;
      if (b.transpose) {
        // Stored n × k: read its rows in order.
        for (let j = 0; j < n; j++) {
          const source = bItem + j * ldb;
          for (let p = 0; p < k; p++) heap[bTarget + p * np + j] = bData[source + p]!;
        }
      } else {
        for (let p = 0; p < k; p++) copyRow(heap, bTarget + p * np, bData, bItem + p * ldb, n);
      }
      const cItem = c.offset + t * c.stride;
      const cTarget = cBase + s * cSize;
      for (let i = 0; i < m; i++) {
        const target = cTarget + i * np;
        const source = cItem + i * ldc;
        if (beta === 0) {
          // Already zero when padded (cleared above); plain stores beat a fill() call per row.
          if (!padded) for (let j = 0; j < n; j++) heap[target + j] = 0;
        } else if (beta === 1) copyRow(heap, target, cData, source, n);
        else for (let j = 0; j < n; j++) heap[target + j] = cData[source + j]! * beta;
      }
    }
    for (let s = 0; s < items; s++) {
      const aItem = (aBase + s * aSize) * 4;
      const bItem = (bBase + s * bSize) * 4;
      const cItem = (cBase + s * cSize) * 4;
      for (let k0 = 0; k0 < k; k0 += KB) {
        const depth = Math.min(KB, k - k0);
        module.gemm(cItem, aItem + k0 * 4, bItem + k0 * np * 4, mp, np, depth, np, k, np);
      }
    }
    for (let s = 0; s < items; s++) {
      const cItem = c.offset + (t0 + s) * c.stride;
      const source = cBase + s * cSize;
      for (let i = 0; i < m; i++) {
        const target = cItem + i * ldc;
        copyRow(cData, target, heap, source + i * np, n);
      }
    }
  }
  return true;
}
