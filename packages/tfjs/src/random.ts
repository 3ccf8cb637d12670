/**
 * A small seeded pseudo-random generator whose whole state is one 32-bit integer, so it can be
 * stored in a checkpoint and resumed bit-exactly.
 *
 * @module
 */

/**
 * Mulberry32: a 32-bit state advanced by the odd constant `0x6d2b79f5`, then mixed by two
 * multiply–xorshift rounds; period 2³². Not cryptographic. Cost O(1) per draw.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(42);
 * const u = rng.uniform(); // in [0, 1)
 * const saved = rng.state;
 * new SeededRandom(0, saved).uniform() === rng.uniform(); // true
 * ```
 */
export class SeededRandom {
  private s: number;

  /**
   * @param seed - any finite number; its low 32 bits seed the generator (ignored when `state` is given).
   * @param state - a {@link SeededRandom.state} saved earlier, to resume a sequence.
   */
  constructor(seed: number, state?: number) {
    this.s = (state ?? seed) >>> 0;
  }

  /** The whole state: pass it to the constructor to resume the sequence exactly. */
  get state(): number {
    return this.s;
  }

  /** A uniform draw in [0, 1) with 32 random bits. */
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal draw N(0, 1) by the Box–Muller transform (two uniforms per draw). */
  normal(): number {
    const u1 = 1 - this.uniform(); // in (0, 1]: log stays finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, n). */
  integer(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). Cost O(n). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
