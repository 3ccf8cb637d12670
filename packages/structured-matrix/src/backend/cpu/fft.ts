/**
 * In-place iterative radix-2 complex FFT on split real/imaginary Float64Arrays (length a
 * power of two). `inverse` computes the unnormalised inverse (divide by the length after).
 * Cost O(L log L). Twiddle tables are cached per length.
 */
const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddleTable(length: number): { cos: Float64Array; sin: Float64Array } {
  let table = twiddles.get(length);
  if (table === undefined) {
    const half = length >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let i = 0; i < half; i++) {
      cos[i] = Math.cos((2 * Math.PI * i) / length);
      sin[i] = Math.sin((2 * Math.PI * i) / length);
    }
    table = { cos, sin };
    twiddles.set(length, table);
  }
  return table;
}

/** The smallest power of two ≥ `n` (and ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

export function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  const { cos, sin } = twiddleTable(n);
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}
