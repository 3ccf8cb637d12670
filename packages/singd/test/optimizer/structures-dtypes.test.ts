import { DTYPES } from '@singd/half';
import { STRUCTURE_KINDS, type StructureSpec } from '@singd/structured-matrix';
import { describe, expect, it } from 'vitest';
import { Singd } from '../../src/optimizer/singd.js';
import { convProblem, linearProblem, type Problem } from './problems.js';
import { train } from './train.js';

function specOf(kind: (typeof STRUCTURE_KINDS)[number]): StructureSpec {
  if (kind === 'block-diagonal') return { kind, blockSize: 2 };
  if (kind === 'hierarchical') return { kind, k1: 2, k2: 1 };
  return { kind } as StructureSpec;
}

const problems: Problem[] = [
  linearProblem({ inFeatures: 5, outFeatures: 4, samples: 6, seed: 71 }),
  convProblem({
    layout: 'NCHW',
    inChannels: 1,
    outChannels: 3,
    kernelSize: 2,
    size: 3,
    samples: 2,
    seed: 72,
  }),
];
const layers = problems.map((p) => p.layer);

describe('every structure × dtype keeps its class and dtype through the optimizer and its checkpoints', () => {
  it.each(STRUCTURE_KINDS.flatMap((kind) => DTYPES.map((dtype) => [kind, dtype] as const)))(
    '%s in %s: 12 steps, K, C, m_K, m_C keep kind and dtype, stay finite, survive a checkpoint',
    (kind, dtype) => {
      const spec = specOf(kind);
      const options = {
        T: 1,
        lr: 0.05,
        lrCov: 0.05,
        normalizeLrCov: true,
        structures: { K: spec, C: spec },
        dtypes: { K: dtype, C: dtype },
      } as const;
      const opt = new Singd(layers, options);
      const classes = problems.map((p) => [
        opt.layerState(p.name).K.constructor,
        opt.layerState(p.name).C.constructor,
      ]);
      const { skipped } = train(opt, problems, { steps: 12 });
      expect(skipped).toEqual([]);
      const copy = new Singd(layers, options);
      copy.loadCheckpoint(opt.saveCheckpoint());
      problems.forEach((p, i) => {
        for (const o of [opt, copy]) {
          const s = o.layerState(p.name);
          for (const m of [s.K, s.C, s.mK!, s.mC!]) {
            expect(m.kind).toBe(kind);
            expect(m.dtype).toBe(dtype);
            expect(Number.isFinite(m.maxAbsEntry())).toBe(true);
          }
          expect(s.K.constructor).toBe(classes[i]![0]);
          expect(s.C.constructor).toBe(classes[i]![1]);
        }
        expect(copy.layerState(p.name).K.toRows()).toEqual(opt.layerState(p.name).K.toRows());
      });
    },
  );
});
