import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateTree } from '../../src/checkpoint/api.js';
import { assertCompatible, describeMismatch } from '../../src/checkpoint/compare.js';
import { CheckpointError } from '../../src/checkpoint/errors.js';
import { sampleState, stateTreeArb } from './arbitraries.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit a deep copy of the sample state in place
type Mutable = any;

function edited(edit: (state: Mutable) => void): StateTree {
  const state = sampleState() as unknown as Mutable;
  edit(state);
  return state as unknown as StateTree;
}

describe('describeMismatch', () => {
  it('reports nothing for identical structures', () => {
    fc.assert(
      fc.property(stateTreeArb, (tree) => {
        expect(describeMismatch(tree, tree)).toEqual([]);
      }),
    );
    expect(describeMismatch(sampleState(), sampleState())).toEqual([]);
  });

  it('ignores numeric and boolean values', () => {
    const other = edited((s) => {
      s['steps'] = 1000 as never;
      s['options']['kfacLike'] = true as never;
      s['layers']['fc1']['K']['storage'] = new Float32Array([9, 9, 9, 9]) as never;
    });
    expect(describeMismatch(sampleState(), other)).toEqual([]);
  });

  it('reports renamed keys (layer names) both ways', () => {
    const other = edited((s) => {
      s['layers']['fc3'] = s['layers']['fc2'];
      delete s['layers']['fc2'];
    });
    expect(describeMismatch(sampleState(), other)).toEqual([
      'state.layers.fc2: missing in checkpoint',
      'state.layers.fc3: unexpected in checkpoint',
    ]);
  });

  it('reports changed lengths of typed arrays, half leaves and arrays', () => {
    const other = edited((s) => {
      s['layers']['fc1']['K']['storage'] = new Float32Array(9) as never;
      s['layers']['fc2']['K']['storage'] = { $half: 'float16', bits: new Uint16Array(2) } as never;
      (s['momentum'] as unknown as unknown[]).push(new Float32Array(1));
    });
    expect(describeMismatch(sampleState(), other)).toEqual([
      'state.layers.fc1.K.storage: length 4 vs 9',
      'state.layers.fc2.K.storage: length 3 vs 2',
      'state.momentum: length 2 vs 3',
    ]);
  });

  it('reports changed dtypes and node kinds', () => {
    const other = edited((s) => {
      s['layers']['fc1']['K']['storage'] = { $half: 'bfloat16', bits: new Uint16Array(4) } as never;
      s['layers']['fc1']['C']['storage'] = { $half: 'float16', bits: new Uint16Array(2) } as never;
      s['layers']['fc2']['C']['storage'] = new Float32Array(4) as never;
      s['layers']['fc2']['raw'] = [1, 2, 3] as never;
      s['layers']['fc1']['HK'] = new Float32Array(1) as never;
    });
    expect(describeMismatch(sampleState(), other)).toEqual([
      'state.layers.fc1.K.storage: type float32 vs bfloat16',
      'state.layers.fc1.C.storage: type bfloat16 vs float16',
      'state.layers.fc1.HK: type null vs float32',
      'state.layers.fc2.C.storage: type float64 vs float32',
      'state.layers.fc2.raw: type uint16 vs array',
    ]);
  });

  it('reports changed strings (structure kinds, dtypes)', () => {
    const other = edited((s) => {
      s['layers']['fc1']['K']['kind'] = 'hierarchical' as never;
      (s['options']['structures'] as unknown as string[])[1] = 'dense';
    });
    expect(describeMismatch(sampleState(), other)).toEqual([
      'state.options.structures[1]: value "diagonal" vs "dense"',
      'state.layers.fc1.K.kind: value "dense" vs "hierarchical"',
    ]);
  });

  it('quotes keys that are not identifiers and honours a custom root path', () => {
    expect(describeMismatch({ 'fc1.weight': 1 }, {}, 'params')).toEqual([
      'params["fc1.weight"]: missing in checkpoint',
    ]);
  });
});

describe('assertCompatible', () => {
  it('passes silently for compatible trees', () => {
    expect(() => assertCompatible(sampleState(), sampleState())).not.toThrow();
  });

  it('throws a mismatch error carrying every difference', () => {
    const other = edited((s) => {
      delete s['layers']['fc2'];
      s['layers']['fc1']['K']['storage'] = new Float32Array(9) as never;
    });
    try {
      assertCompatible(sampleState(), other);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CheckpointError);
      const e = error as CheckpointError;
      expect(e.reason).toBe('mismatch');
      expect(e.differences).toEqual([
        'state.layers.fc1.K.storage: length 4 vs 9',
        'state.layers.fc2: missing in checkpoint',
      ]);
      expect(e.message).toContain(
        'state.layers.fc1.K.storage: length 4 vs 9; state.layers.fc2: missing in checkpoint',
      );
    }
  });
});
