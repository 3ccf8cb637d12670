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
