import { tensor } from '@singd/kron-curvature';
import { describe, expect, it } from 'vitest';
import { type LinearParams, Singd, type SingdOptions } from '../../src/optimizer/index.js';

const layer = { name: 'fc', inFeatures: 4, outFeatures: 3, bias: true };
const N = 8;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const rand = rng(42);
const X = Float64Array.from({ length: N * 4 }, () => 2 * rand());
const Wtrue = Float64Array.from({ length: 12 }, () => 2 * rand());
const btrue = Float64Array.from([0.3, -0.2, 0.5]);
const Y = new Float64Array(N * 3);
for (let n = 0; n < N; n++)
  for (let i = 0; i < 3; i++) {
    let v = btrue[i]!;
    for (let j = 0; j < 4; j++) v += Wtrue[i * 4 + j]! * X[n * 4 + j]!;
    Y[n * 3 + i] = v;
  }

/** Loss 1/(2N)·Σ‖Wx + b − y‖², its output gradient [N, 3] and parameter gradients. */
function lossAndGrads(p: LinearParams) {
  const go = new Float64Array(N * 3);
  let loss = 0;
  for (let n = 0; n < N; n++)
    for (let i = 0; i < 3; i++) {
      let v = p.bias![i]!;
      for (let j = 0; j < 4; j++) v += p.weight[i * 4 + j]! * X[n * 4 + j]!;
      const r = v - Y[n * 3 + i]!;
      loss += (r * r) / (2 * N);
      go[n * 3 + i] = r / N;
    }
  const weight = new Float64Array(12);
  const bias = new Float64Array(3);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < 3; i++) {
      bias[i]! += go[n * 3 + i]!;
      for (let j = 0; j < 4; j++) weight[i * 4 + j]! += go[n * 3 + i]! * X[n * 4 + j]!;
    }
  return { loss, go, grads: { weight, bias } };
}

const init = (): LinearParams => ({ weight: new Float64Array(12), bias: new Float64Array(3) });

function run(opt: Singd, steps: number, start = init()) {
  let p = start;
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { loss, go, grads } = lossAndGrads(p);
    losses.push(loss);
    if (opt.isUpdateStep()) opt.capture('fc', tensor([N, 4], X), tensor([N, 3], go));
    const r = opt.step({ fc: p }, { fc: grads });
    if (r.skipped) throw new Error(r.reason);
    p = r.params['fc']!;
  }
  return { p, losses, final: lossAndGrads(p).loss };
}

describe('Singd', () => {
  const opts: SingdOptions = { lr: 0.05, momentum: 0.9, T: 1, lrCov: 0.05, damping: 1e-3 };

  it('reduces the loss of a linear regression over 50 steps (dense)', () => {
    const { losses, final } = run(new Singd([layer], opts), 50);
    expect(final).toBeLessThan(0.1 * losses[0]!);
    expect(Number.isFinite(final)).toBe(true);
  });

  it('leaves K, C unchanged on non-update steps (T = 3)', () => {
    const opt = new Singd([layer], { ...opts, T: 3 });
    let p = init();
    for (let t = 0; t < 7; t++) {
      const before = opt.layerState('fc');
      const update = opt.isUpdateStep();
      expect(update).toBe(t % 3 === 0);
      const { go, grads } = lossAndGrads(p);
      if (update) opt.capture('fc', tensor([N, 4], X), tensor([N, 3], go));
      const r = opt.step({ fc: p }, { fc: grads });
      if (r.skipped) throw new Error(r.reason);
      p = r.params['fc']!;
      const after = opt.layerState('fc');
      if (update) {
        expect(after.K.toRows()).not.toEqual(before.K.toRows());
      } else {
        expect(after.K.toRows()).toEqual(before.K.toRows());
        expect(after.C.toRows()).toEqual(before.C.toRows());
      }
    }
    expect(opt.steps).toBe(7);
  });

  it('capture outside an update step throws naming the step', () => {
    const opt = new Singd([layer], { ...opts, T: 3 });
    const { grads, go } = lossAndGrads(init());
    opt.capture('fc', tensor([N, 4], X), tensor([N, 3], go));
    opt.step({ fc: init() }, { fc: grads });
    expect(() => opt.capture('fc', tensor([N, 4], X), tensor([N, 3], go))).toThrow(/step 1/);
  });

  it('skips a NaN gradient: reason names the layer, K/C unchanged, step counted', () => {
    const opt = new Singd([layer], opts);
    const { p } = run(opt, 3);
    const before = opt.layerState('fc');
    const { go, grads } = lossAndGrads(p);
    opt.capture('fc', tensor([N, 4], X), tensor([N, 3], go));
    const bad = { weight: grads.weight.slice(), bias: grads.bias };
    bad.weight[5] = Number.NaN;
    const r = opt.step({ fc: p }, { fc: bad });
    expect(r.skipped).toBe(true);
    if (r.skipped) expect(r.reason).toMatch(/'fc'/);
    expect(opt.steps).toBe(4);
    const after = opt.layerState('fc');
    expect(after.K.toRows()).toEqual(before.K.toRows());
    expect(after.C.toRows()).toEqual(before.C.toRows());
    expect(after.pendingHK).toBeUndefined();
  });

  it('rejects mismatched shapes naming the layer and both shapes, state untouched', () => {
    const opt = new Singd([layer], opts);
    const { grads } = lossAndGrads(init());
    expect(() =>
      opt.step({ fc: init() }, { fc: { weight: new Float64Array(10), bias: grads.bias } }),
    ).toThrow(/layer 'fc'.*10 entries.*\[3, 4\]/);
    expect(opt.steps).toBe(0);
  });

  it('validates options', () => {
    expect(() => new Singd([layer], { lr: -1 })).toThrow(/lr must be/);
    expect(() => new Singd([layer], { momentum: 1 })).toThrow(/momentum must be a number in \[0, 1\)/);
    expect(() => new Singd([layer], { T: 0 })).toThrow(/T must be an integer/);
  });

  it('memoryReport matches the storage formula (diagonal, float32, 256 → 256)', () => {
    const big = { name: 'big', inFeatures: 256, outFeatures: 256, bias: true };
    const structures = { K: { kind: 'diagonal' }, C: { kind: 'diagonal' } } as const;
    const dK = 257;
    const dC = 256;
    const paramBytes = dC * dK * 8; // parameters are float64 arrays
    for (const momentum of [0, 0.9]) {
      const r = new Singd([big], { momentum, structures }).memoryReport();
      const expected = 2 * dK * 4 + 2 * dC * 4 + (momentum === 0 ? 0 : paramBytes);
      expect(r.layers['big']).toMatchObject({ K: dK * 4, mK: dK * 4, C: dC * 4, mC: dC * 4 });
      expect(r.stateBytes).toBe(expected);
      expect(r.parameterBytes).toBe(paramBytes);
      expect(r.ratioToAdamW).toBeCloseTo(expected / (2 * paramBytes), 12);
      expect(r.ratioToAdamW).toBeLessThanOrEqual(0.55);
    }
  });
});

describe('Singd update steps without a capture', () => {
  it('throw, naming the layer and the step, and leave the state untouched', () => {
    const optimizer = new Singd([{ name: 'fc', inFeatures: 2, outFeatures: 1, bias: false }], { T: 1 });
    const params = { fc: { weight: Float64Array.of(1, 2) } };
    const grads = { fc: { weight: Float64Array.of(0.5, -0.5) } };
    expect(() => optimizer.step(params, grads)).toThrow(/layer 'fc': step 0 updates the preconditioner/);
    expect(optimizer.steps).toBe(0);
  });
});
