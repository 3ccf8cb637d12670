/**
 * KFAC exactness (spec §6.3, after the reference's `test/optim/test_kfac.py`): for deep linear
 * networks with a squared loss, the Kronecker block `kron(G, A)` built from the processed
 * captures with the matching approximation (expand ↔ expand, reduce ↔ reduce) equals the exact
 * per-layer GGN block `s·Σ_t J_tᵀ J_t` (`s = 1/n_terms` for a mean loss, 1 for a sum), with
 *
 * - the forward and backward passes written here as plain matrix products,
 * - `J_t` (Jacobian of the output of loss term `t` w.r.t. the layer's parameters in PyTorch order
 *   `[vec(W), b]`) computed by central finite differences — exact up to rounding because each
 *   network is affine in each layer's parameters —, so the reference uses only forward passes,
 * - `G` summed over one backward pass per output coordinate (an MSE-type loss whose GGN is `JᵀJ`),
 * - `A`, `G` taken from {@link KfacPreconditioner}'s accumulated `U_K`, `U_C`,
 * - the bias rows/columns of `kron(G, A)` (interleaved: last entry of each output row) moved to
 *   the end before comparing. Tolerance: `rtol 1e-5, atol 1e-8` in float64.
 */
import { DenseMatrix } from '@singd/structured-matrix';
import { describe, expect, it } from 'vitest';
import { processConv2dInputs, processConv2dOutputGradients } from '../src/conv2d.js';
import type { Conv2dLayer } from '../src/conv2d-geometry.js';
import { KfacPreconditioner } from '../src/kfac.js';
import { type LinearLayer, processLinearInputs, processLinearOutputGradients } from '../src/linear.js';
import type { KfacApproximation, LossAverage } from '../src/options.js';
import { tensor } from '../src/tensor.js';

const RTOL = 1e-5;
const ATOL = 1e-8;
const STEP = 1; // finite-difference step; exact for affine maps

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomArray(next: () => number, length: number): Float64Array {
  return Float64Array.from({ length }, () => 2 * next() - 1);
}

/** `s·JᵀJ` of a row-major `m × p` Jacobian. */
function scaledGram(jacobian: Float64Array, m: number, p: number, s: number): Float64Array {
  const result = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = 0; r < m; r++) sum += jacobian[r * p + i]! * jacobian[r * p + j]!;
      result[i * p + j] = s * sum;
      result[j * p + i] = s * sum;
    }
  }
  return result;
}

/**
 * Exact GGN block of one layer, parameters `[vec(W) row-major, b]` (PyTorch order):
 * `s·Σ_t J_tᵀJ_t` with `J` from central differences of `termOutputs(θ)` (all loss terms'
 * outputs, flattened).
 */
function exactGgn(
  theta: Float64Array,
  termOutputs: (theta: Float64Array) => Float64Array,
  s: number,
): Float64Array {
  const p = theta.length;
  const m = termOutputs(theta).length;
  const jacobian = new Float64Array(m * p);
  for (let q = 0; q < p; q++) {
    const plus = theta.slice();
    const minus = theta.slice();
    plus[q] = plus[q]! + STEP;
    minus[q] = minus[q]! - STEP;
    const up = termOutputs(plus);
    const down = termOutputs(minus);
    for (let r = 0; r < m; r++) jacobian[r * p + q] = (up[r]! - down[r]!) / (2 * STEP);
  }
  return scaledGram(jacobian, m, p, s);
}

/**
 * `kron(G, A)` over `vec(W̃)` (index `c·d_K + k`, bias at `k = d_in`), permuted to PyTorch order
 * `[vec(W), b]`: `(c, k < d_in) → c·d_in + k`, `(c, d_in) → d_out·d_in + c`.
 */
function kfacBlock(a: Float64Array, g: Float64Array, dIn: number, dOut: number, bias: boolean): Float64Array {
  const dK = dIn + (bias ? 1 : 0);
  const p = dOut * dK;
  const position = (c: number, k: number) => (k < dIn ? c * dIn + k : dOut * dIn + c);
  const result = new Float64Array(p * p);
  for (let c1 = 0; c1 < dOut; c1++) {
    for (let k1 = 0; k1 < dK; k1++) {
      for (let c2 = 0; c2 < dOut; c2++) {
        for (let k2 = 0; k2 < dK; k2++) {
          result[position(c1, k1) * p + position(c2, k2)] = g[c1 * dOut + c2]! * a[k1 * dK + k2]!;
        }
      }
    }
  }
  return result;
}

function expectAllClose(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (ATOL + RTOL * Math.abs(expected[i]!));
    if (excess > worst) [worst, worstIndex] = [excess, i];
  }
  if (worstIndex >= 0) {
    throw new Error(
      `${what}: entry ${worstIndex} is ${actual[worstIndex]}, expected ${expected[worstIndex]}`,
    );
  }
}

function diagonal(m: Float64Array): Float64Array {
  const d = Math.round(Math.sqrt(m.length));
  return Float64Array.from({ length: d }, (_, i) => m[i * d + i]!);
}

/** `A = ÃᵀÃ` and `G = Σ_o G̃_oᵀG̃_o` as accumulated by {@link KfacPreconditioner.update}. */
function kfacFactors(
  processedInputs: DenseMatrix,
  processedGrads: DenseMatrix[],
): { a: Float64Array; g: Float64Array } {
  const dK = processedInputs.cols;
  const dC = processedGrads[0]!.cols;
  // One update with the backward passes stacked: G̃_stackedᵀ G̃_stacked = Σ_o G̃_oᵀ G̃_o.
  const stacked = processedGrads.flatMap((g) => Array.from(g.toFloat64Array()));
  const kfac = new KfacPreconditioner([{ name: 'layer', inputDimension: dK, outputDimension: dC }], {
    dtype: 'float64',
  });
  kfac.update('layer', processedInputs, DenseMatrix.fromArray(stacked, stacked.length / dC, dC, 'float64'));
  const state = kfac.state().layers[0]!;
  return { a: state.pendingInputCurvature!, g: state.pendingOutputCurvature! };
}

interface Setting {
  /** The loss's terms and the approximation that is exact for them. */
  readonly approximation: KfacApproximation;
  readonly mean: boolean;
}

function lossAverageOf(setting: Setting): LossAverage {
  if (!setting.mean) return null;
  return setting.approximation === 'expand' ? 'batch+sequence' : 'batch';
}

const SETTINGS: Setting[] = [
  { approximation: 'expand', mean: true },
  { approximation: 'expand', mean: false },
  { approximation: 'reduce', mean: true },
  { approximation: 'reduce', mean: false },
];

// ---------------------------------------------------------------------------------------------
// Deep linear networks on [N, R, d_0]

const N = 4;
const R = 2;

interface Dense {
  readonly inF: number;
  readonly outF: number;
  readonly weight: Float64Array; // outF × inF
  readonly bias: Float64Array | null;
}

/** `x W_lᵀ + b_l` for rows `x` (rows × inF). */
function linearForward(layer: Dense, x: Float64Array, rows: number): Float64Array {
  const y = new Float64Array(rows * layer.outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < layer.outF; o++) {
      let sum = layer.bias?.[o] ?? 0;
      for (let i = 0; i < layer.inF; i++) sum += layer.weight[o * layer.inF + i]! * x[r * layer.inF + i]!;
      y[r * layer.outF + o] = sum;
    }
  }
  return y;
}

/** `g W_l` for rows `g` (rows × outF): the gradient w.r.t. the layer input. */
function linearBackward(layer: Dense, g: Float64Array, rows: number): Float64Array {
  const x = new Float64Array(rows * layer.inF);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < layer.inF; i++) {
      let sum = 0;
      for (let o = 0; o < layer.outF; o++) sum += g[r * layer.outF + o]! * layer.weight[o * layer.inF + i]!;
      x[r * layer.inF + i] = sum;
    }
  }
  return x;
}

function parametersOf(layer: Dense): Float64Array {
  return Float64Array.from([...layer.weight, ...(layer.bias ?? [])]);
}

function withParameters(layer: Dense, theta: Float64Array): Dense {
  const w = layer.outF * layer.inF;
  return { ...layer, weight: theta.slice(0, w), bias: layer.bias === null ? null : theta.slice(w) };
}

/** Layer inputs (each `(N·R) × inF`) and network outputs `(N·R) × D`. */
function networkForward(
  layers: readonly Dense[],
  x: Float64Array,
): { inputs: Float64Array[]; output: Float64Array } {
  const inputs: Float64Array[] = [];
  let h = x;
  for (const layer of layers) {
    inputs.push(h);
    h = linearForward(layer, h, N * R);
  }
  return { inputs, output: h };
}

/** The outputs of all loss terms: per `(n, r)` (expand) or averaged over `r` (reduce). */
function termOutputs(output: Float64Array, d: number, setting: Setting): Float64Array {
  if (setting.approximation === 'expand') return output;
  const reduced = new Float64Array(N * d);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < R; r++)
      for (let o = 0; o < d; o++) reduced[n * d + o]! += output[(n * R + r) * d + o]! / R;
  }
  return reduced;
}

function makeNetwork(sizes: readonly number[], bias: boolean, seed: number): Dense[] {
  const next = random(seed);
  return sizes.slice(1).map((outF, l) => {
    const inF = sizes[l]!;
    return { inF, outF, weight: randomArray(next, outF * inF), bias: bias ? randomArray(next, outF) : null };
  });
}

function checkLinearNetwork(sizes: readonly number[], bias: boolean, setting: Setting): void {
  const layers = makeNetwork(sizes, bias, 7 * sizes.length + (bias ? 1 : 0));
  const x = randomArray(random(99), N * R * sizes[0]!);
  const dOutput = sizes[sizes.length - 1]!;
  const termCount = setting.approximation === 'expand' ? N * R : N;
  const s = setting.mean ? 1 / termCount : 1;
  const lossAverage = lossAverageOf(setting);
  const { inputs } = networkForward(layers, x);

  // One backward pass per output coordinate o of the loss s·Σ_t f_t,o.
  const gradientsPerPass: Float64Array[][] = [];
  for (let o = 0; o < dOutput; o++) {
    let g: Float64Array = new Float64Array(N * R * dOutput);
    const perRow = setting.approximation === 'expand' ? s : s / R; // reduce: d(mean over r)/d f_{n,r}
    for (let row = 0; row < N * R; row++) g[row * dOutput + o] = perRow;
    const grads: Float64Array[] = [];
    for (let l = layers.length - 1; l >= 0; l--) {
      grads[l] = g;
      g = linearBackward(layers[l]!, g, N * R);
    }
    gradientsPerPass.push(grads);
  }

  layers.forEach((layer, l) => {
    const description: LinearLayer = { name: `fc${l}`, inFeatures: layer.inF, outFeatures: layer.outF, bias };
    const processedInputs = processLinearInputs(description, tensor([N, R, layer.inF], inputs[l]!), {
      approximation: setting.approximation,
      dtype: 'float64',
    });
    const processedGrads = gradientsPerPass.map((grads) =>
      processLinearOutputGradients(description, tensor([N, R, layer.outF], grads[l]!), {
        approximation: setting.approximation,
        lossAverage,
        dtype: 'float64',
      }),
    );
    const { a, g } = kfacFactors(processedInputs, processedGrads);
    const kfac = kfacBlock(a, g, layer.inF, layer.outF, bias);
    const exact = exactGgn(
      parametersOf(layer),
      (theta) => {
        const perturbed = layers.map((other, m) => (m === l ? withParameters(other, theta) : other));
        return termOutputs(networkForward(perturbed, x).output, dOutput, setting);
      },
      s,
    );
    expectAllClose(kfac, exact, `layer ${l} block`);
    expectAllClose(diagonal(kfac), diagonal(exact), `layer ${l} diagonal`);
  });
}

function settingName(setting: Setting): string {
  return `${setting.approximation} setting, ${setting.mean ? `mean loss (${lossAverageOf(setting)})` : 'sum loss (null)'}`;
}

describe('KFAC exactness for deep linear networks on [4, 2, 3] (spec §6.3)', () => {
  for (const sizes of [
    [3, 2],
    [3, 5, 5, 2],
  ]) {
    for (const bias of [true, false]) {
      for (const setting of SETTINGS) {
        it(`Linear ${sizes.join('→')}, bias ${bias ? 'on' : 'off'}, ${settingName(setting)}`, () => {
          checkLinearNetwork(sizes, bias, setting);
        });
      }
    }
  }

  it('is discriminative: the expand approximation is not exact in the reduce setting', () => {
    const mismatched = { approximation: 'reduce', mean: true } as const;
    const layer = makeNetwork([3, 2], true, 1)[0]!;
    const x = randomArray(random(5), N * R * 3);
    const description: LinearLayer = { name: 'fc', inFeatures: 3, outFeatures: 2, bias: true };
    const a = processLinearInputs(description, tensor([N, R, 3], x), {
      approximation: 'expand',
      dtype: 'float64',
    });
    const grads = [0, 1].map((o) => {
      const g = new Float64Array(N * R * 2);
      for (let row = 0; row < N * R; row++) g[row * 2 + o] = 1 / (N * R);
      return processLinearOutputGradients(description, tensor([N, R, 2], g), {
        approximation: 'expand',
        lossAverage: 'batch',
        dtype: 'float64',
      });
    });
    const { a: factorA, g: factorG } = kfacFactors(a, grads);
    const kfac = kfacBlock(factorA, factorG, 3, 2, true);
    const exact = exactGgn(
      parametersOf(layer),
      (theta) => termOutputs(linearForward(withParameters(layer, theta), x, N * R), 2, mismatched),
      1 / N,
    );
    expect(() => expectAllClose(kfac, exact, 'mismatched block')).toThrow(/mismatched block/);
  });
});

// ---------------------------------------------------------------------------------------------
// Conv2d(3→2, k=4, pad=2) on [4, 3, 16, 16] (output 17×17), then Linear 2→2

const CONV = { inChannels: 3, outChannels: 2, kernel: 4, padding: 2, size: 16 } as const;
const OUT = CONV.size + 2 * CONV.padding - CONV.kernel + 1; // 17
const LOCATIONS = OUT * OUT;
const PATCH = CONV.inChannels * CONV.kernel * CONV.kernel; // 48

/** Cross-correlation with zero padding: `[N, C_in, I, I] → [N, C_out, O, O]` (NCHW). */
function convForward(weight: Float64Array, bias: Float64Array | null, x: Float64Array): Float64Array {
  const { inChannels, outChannels, kernel, padding, size } = CONV;
  const y = new Float64Array(N * outChannels * LOCATIONS);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < outChannels; o++) {
      for (let o1 = 0; o1 < OUT; o1++) {
        for (let o2 = 0; o2 < OUT; o2++) {
          let sum = bias?.[o] ?? 0;
          for (let c = 0; c < inChannels; c++) {
            for (let i = 0; i < kernel; i++) {
              const row = o1 - padding + i;
              if (row < 0 || row >= size) continue;
              for (let j = 0; j < kernel; j++) {
                const col = o2 - padding + j;
                if (col < 0 || col >= size) continue;
                sum +=
                  weight[((o * inChannels + c) * kernel + i) * kernel + j]! *
                  x[((n * inChannels + c) * size + row) * size + col]!;
              }
            }
          }
          y[((n * outChannels + o) * OUT + o1) * OUT + o2] = sum;
        }
      }
    }
  }
  return y;
}

/** NCHW `[N, C, O, O]` → per-location rows `[N, O·O, C]` (expand) or the mean over locations `[N, C]`. */
function convToLinearInput(z: Float64Array, setting: Setting): Float64Array {
  const c = CONV.outChannels;
  if (setting.approximation === 'expand') {
    const rows = new Float64Array(N * LOCATIONS * c);
    for (let n = 0; n < N; n++) {
      for (let ch = 0; ch < c; ch++) {
        for (let l = 0; l < LOCATIONS; l++)
          rows[(n * LOCATIONS + l) * c + ch] = z[(n * c + ch) * LOCATIONS + l]!;
      }
    }
    return rows;
  }
  const pooled = new Float64Array(N * c);
  for (let n = 0; n < N; n++) {
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let l = 0; l < LOCATIONS; l++) sum += z[(n * c + ch) * LOCATIONS + l]!;
      pooled[n * c + ch] = sum / LOCATIONS;
    }
  }
  return pooled;
}

function checkConvNetwork(bias: boolean, setting: Setting): void {
  const next = random(bias ? 31 : 32);
  const convWeight = randomArray(next, CONV.outChannels * PATCH);
  const convBias = bias ? randomArray(next, CONV.outChannels) : null;
  const linear: Dense = {
    inF: 2,
    outF: 2,
    weight: randomArray(next, 4),
    bias: bias ? randomArray(next, 2) : null,
  };
  const x = randomArray(random(77), N * CONV.inChannels * CONV.size * CONV.size);
  const expand = setting.approximation === 'expand';
  const linearRows = expand ? N * LOCATIONS : N;
  const termCount = expand ? N * LOCATIONS : N;
  const s = setting.mean ? 1 / termCount : 1;
  const lossAverage = lossAverageOf(setting);

  const forward = (weight: Float64Array, b: Float64Array | null, lin: Dense) => {
    const z = convForward(weight, b, x);
    const h = convToLinearInput(z, setting);
    return { h, output: linearForward(lin, h, linearRows) };
  };
  const { h } = forward(convWeight, convBias, linear);

  // One backward pass per output coordinate o of the loss s·Σ_t f_t,o.
  const linearGrads: Float64Array[] = [];
  const convGrads: Float64Array[] = [];
  for (let o = 0; o < 2; o++) {
    const g = new Float64Array(linearRows * 2);
    for (let row = 0; row < linearRows; row++) g[row * 2 + o] = s;
    linearGrads.push(g);
    const gh = linearBackward(linear, g, linearRows); // w.r.t. the Linear input, linearRows × 2
    const gz = new Float64Array(N * CONV.outChannels * LOCATIONS);
    for (let n = 0; n < N; n++) {
      for (let ch = 0; ch < CONV.outChannels; ch++) {
        for (let l = 0; l < LOCATIONS; l++) {
          gz[(n * CONV.outChannels + ch) * LOCATIONS + l] = expand
            ? gh[(n * LOCATIONS + l) * 2 + ch]!
            : gh[n * 2 + ch]! / LOCATIONS; // through the global average pooling
        }
      }
    }
    convGrads.push(gz);
  }

  // Linear layer.
  const linearLayer: LinearLayer = { name: 'fc', inFeatures: 2, outFeatures: 2, bias };
  const linearShape = expand ? [N, LOCATIONS, 2] : [N, 2];
  const linearFactors = kfacFactors(
    processLinearInputs(linearLayer, tensor(linearShape, h), {
      approximation: setting.approximation,
      dtype: 'float64',
    }),
    linearGrads.map((g) =>
      processLinearOutputGradients(linearLayer, tensor(linearShape, g), {
        approximation: setting.approximation,
        lossAverage,
        dtype: 'float64',
      }),
    ),
  );
  const linearExact = exactGgn(
    parametersOf(linear),
    (theta) => forward(convWeight, convBias, withParameters(linear, theta)).output,
    s,
  );
  const linearKfac = kfacBlock(linearFactors.a, linearFactors.g, 2, 2, bias);
  expectAllClose(linearKfac, linearExact, 'Linear block');
  expectAllClose(diagonal(linearKfac), diagonal(linearExact), 'Linear diagonal');

  // Conv2d layer.
  const convLayer: Conv2dLayer = {
    name: 'conv',
    inChannels: CONV.inChannels,
    outChannels: CONV.outChannels,
    kernelSize: CONV.kernel,
    padding: CONV.padding,
    bias,
  };
  const convFactors = kfacFactors(
    processConv2dInputs(convLayer, tensor([N, CONV.inChannels, CONV.size, CONV.size], x), {
      approximation: setting.approximation,
      dtype: 'float64',
    }),
    convGrads.map((g) =>
      processConv2dOutputGradients(convLayer, tensor([N, CONV.outChannels, OUT, OUT], g), {
        approximation: setting.approximation,
        lossAverage,
        dtype: 'float64',
      }),
    ),
  );
  const w = CONV.outChannels * PATCH;
  const convExact = exactGgn(
    Float64Array.from([...convWeight, ...(convBias ?? [])]),
    (theta) => forward(theta.slice(0, w), bias ? theta.slice(w) : null, linear).output,
    s,
  );
  const convKfac = kfacBlock(convFactors.a, convFactors.g, PATCH, CONV.outChannels, bias);
  expectAllClose(convKfac, convExact, 'Conv2d block');
  expectAllClose(diagonal(convKfac), diagonal(convExact), 'Conv2d diagonal');
}

describe('KFAC exactness for Conv2d(3→2, k=4, pad=2) on [4, 3, 16, 16] + Linear 2→2 (spec §6.3)', () => {
  for (const bias of [true, false]) {
    for (const setting of SETTINGS) {
      const head = setting.approximation === 'expand' ? 'per-location outputs' : 'global average pooling';
      it(`${head}, bias ${bias ? 'on' : 'off'}, ${settingName(setting)}`, () => {
        checkConvNetwork(bias, setting);
      });
    }
  }
});
