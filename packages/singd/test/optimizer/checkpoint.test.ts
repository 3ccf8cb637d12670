import { describe, expect, it } from 'vitest';
import { isHalfLeaf, type StateRecord } from '../../src/checkpoint/api.js';
import { isBitIdentical } from '../../src/checkpoint/compare.js';
import { deserializeCheckpoint } from '../../src/checkpoint/deserialize.js';
import { CheckpointError } from '../../src/checkpoint/errors.js';
import { serializeCheckpoint } from '../../src/checkpoint/serialize.js';
import type { LayerParams } from '../../src/optimizer/layers.js';
import type { SingdOptions } from '../../src/optimizer/options.js';
import { Singd } from '../../src/optimizer/singd.js';
import { singdStateToTree } from '../../src/optimizer/state-tree.js';
import { convProblem, linearProblem, type Problem, sameParams } from './problems.js';
import { train } from './train.js';

const fcP = linearProblem({ name: 'fc', inFeatures: 5, outFeatures: 3, samples: 8, seed: 31 });
const convP = convProblem({
  layout: 'NHWC',
  inChannels: 2,
  outChannels: 3,
  kernelSize: 2,
  size: 4,
  samples: 4,
  seed: 32,
});
const problems: Problem[] = [fcP, convP];
const layers = problems.map((p) => p.layer);
const options: SingdOptions = {
  lr: 0.05,
  lrCov: 0.05,
  T: 3,
  weightDecay: 1e-2,
  dtypes: { K: 'bfloat16', C: 'float16' },
  overrides: {
    conv: {
      structures: { K: { kind: 'block-diagonal', blockSize: 3 }, C: { kind: 'diagonal' } },
      dtypes: { K: 'float32', C: 'bfloat16' },
      momentum: 0,
    },
  },
};

function trees(opt: Singd) {
  return singdStateToTree(opt.optimizer, opt.currentState);
}

describe('Singd checkpoints', () => {
  it('training resumed from a checkpoint is bit-identical to uninterrupted training (save after 7 steps and mid-accumulation)', () => {
    const total = 16;
    const full = train(new Singd(layers, options), problems, { steps: total, microBatches: 2 });
    for (const k of [4, 7, 9]) {
      const first = new Singd(layers, options);
      const head = train(first, problems, { steps: k, microBatches: 2 });
      const bytes = first.saveCheckpoint();
      const resumed = new Singd(layers, options);
      resumed.loadCheckpoint(bytes);
      expect(isBitIdentical(trees(resumed), trees(first))).toBe(true);
      expect(resumed.steps).toBe(k);
      const tail = train(resumed, problems, { steps: total - k, microBatches: 2 }, head.params);
      for (const p of problems) expect(sameParams(tail.params[p.name]!, full.params[p.name]!)).toBe(true);
    }
  });

  it('keeps pending H’s (a checkpoint between capture and step) and half dtypes as 16-bit leaves', () => {
    const opt = new Singd(layers, options);
    const params = Object.fromEntries(problems.map((p) => [p.name, p.init()]));
    for (const p of problems) {
      const pass = p.pass(params[p.name]!);
      opt.capture(p.name, pass.input, pass.outputGrad);
    }
    const bytes = opt.saveCheckpoint();
    const tree = deserializeCheckpoint(bytes) as StateRecord;
    const state = tree['state'] as StateRecord;
    const fcFactors = (state['factors'] as StateRecord)['fc'] as StateRecord;
    const K = (fcFactors['K'] as StateRecord)['storage'];
    const C = (fcFactors['C'] as StateRecord)['storage'];
    expect(isHalfLeaf(K) && K.$half === 'bfloat16' && K.bits.length === 36).toBe(true);
    expect(isHalfLeaf(C) && C.$half === 'float16' && C.bits.length === 9).toBe(true);
    const convK = ((state['factors'] as StateRecord)['conv'] as StateRecord)['K'] as StateRecord;
    expect(convK['storage']).toBeInstanceOf(Float32Array);
    const pending = state['pending'] as StateRecord;
    expect(Object.keys(pending).sort()).toEqual(['conv', 'fc']);
    const resumed = new Singd(layers, options);
    resumed.loadCheckpoint(bytes);
    expect(resumed.layerState('fc').pendingHK?.dtype).toBe('bfloat16');
    expect(resumed.layerState('fc').pendingHK?.toRows()).toEqual(opt.layerState('fc').pendingHK?.toRows());
    expect(resumed.layerState('conv').K.kind).toBe('block-diagonal');
    // the 16-bit storage is what the checkpoint holds: K (6×6 bf16) is 72 bytes, not 144 or 288
    expect(resumed.memoryReport().layers['fc']!.K).toBe(72);
  });

  describe('rejects bad checkpoints with a CheckpointError saying what differs, leaving the optimizer unchanged', () => {
    const running = () => {
      const opt = new Singd(layers, options);
      const r = train(opt, problems, { steps: 4 });
      return { opt, params: r.params };
    };
    const source = running().opt.saveCheckpoint();

    const cases: [string, () => Uint8Array, string, RegExp][] = [
      ['a truncated file', () => source.subarray(0, source.length - 10), 'checksum', /checksum mismatch/],
      [
        'a flipped byte',
        () => {
          const b = source.slice();
          b[Math.floor(b.length / 2)]! ^= 0x10;
          return b;
        },
        'checksum',
        /corrupt or truncated/,
      ],
      [
        'not a checkpoint',
        () => new TextEncoder().encode('hello world, not a checkpoint'),
        'bad-magic',
        /SINGDCKP/,
      ],
      [
        'other layer names',
        () => new Singd([{ ...fcP.layer, name: 'fc9' }, convP.layer], { ...options }).saveCheckpoint(),
        'mismatch',
        /state\.layers\.fc: missing in checkpoint.*state\.layers\.fc9: unexpected in checkpoint/,
      ],
      [
        'other shapes',
        () => new Singd([{ ...fcP.layer, inFeatures: 6 }, convP.layer], options).saveCheckpoint(),
        'mismatch',
        /state\.layers\.fc\.weight: value "\[3, 5\]" vs "\[3, 6\]".*length 36 vs 49/,
      ],
      [
        'other structures',
        () =>
          new Singd(layers, {
            ...options,
            structures: { K: { kind: 'diagonal' }, C: { kind: 'dense' } },
          }).saveCheckpoint(),
        'mismatch',
        /structureK: value "\{\\"kind\\":\\"dense\\"\}" vs "\{\\"kind\\":\\"diagonal\\"\}"/,
      ],
      [
        'other dtypes',
        () => new Singd(layers, { ...options, dtypes: { K: 'float32', C: 'float16' } }).saveCheckpoint(),
        'mismatch',
        /state\.state\.factors\.fc\.K\.storage: type bfloat16 vs float32/,
      ],
      [
        'other hyper-parameters',
        () => new Singd(layers, { ...options, lr: 0.01 }).saveCheckpoint(),
        'mismatch',
        /state\.options\.layers\.fc\.lr: value 0\.05 vs 0\.01/,
      ],
      [
        'no momenta (kfacLike)',
        () => new Singd(layers, { ...options, kfacLike: true, alpha1: 0 }).saveCheckpoint(),
        'mismatch',
        /factors\.fc\.mK: missing in checkpoint/,
      ],
      ['another state tree', () => serializeCheckpoint({ steps: 3 }), 'mismatch', /missing in checkpoint/],
    ];
    it.each(cases)('%s', (_, make, reason, message) => {
      const { opt } = running();
      const before = opt.saveCheckpoint();
      let error: unknown;
      try {
        opt.loadCheckpoint(make());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).reason).toBe(reason);
      expect((error as Error).message).toMatch(message);
      expect(opt.saveCheckpoint()).toEqual(before);
    });
  });

  it('the running optimizer keeps training normally after a rejected load', () => {
    const a = new Singd(layers, options);
    const b = new Singd(layers, options);
    const start: Record<string, LayerParams> = Object.fromEntries(problems.map((p) => [p.name, p.init()]));
    const ra = train(a, problems, { steps: 3 }, start);
    const rb = train(b, problems, { steps: 3 }, start);
    expect(() => b.loadCheckpoint(new Uint8Array(3))).toThrow(CheckpointError);
    const ta = train(a, problems, { steps: 4 }, ra.params);
    const tb = train(b, problems, { steps: 4 }, rb.params);
    for (const p of problems) expect(sameParams(ta.params[p.name]!, tb.params[p.name]!)).toBe(true);
  });
});
