import { describe, expect, it } from 'vitest';
import { renderBar, startProgress } from '../src/progress-bar.js';

function fakeClock(step: number) {
  let t = 0;
  return () => (t += step);
}

describe('startProgress', () => {
  it('prints a start line, one line per quarter and a final line when not interactive', () => {
    const out: string[] = [];
    const bar = startProgress('run', 8, {
      write: (t) => out.push(t),
      interactive: false,
      width: 8,
      now: fakeClock(0),
    });
    for (let done = 1; done <= 8; done++) bar.update(done, `loss ${done}`);
    bar.finish('accuracy 90 %');
    expect(out).toEqual([
      'run: started (8 steps)\n',
      'run [##------]  25% 2/8 0.0 s loss 2\n',
      'run [####----]  50% 4/8 0.0 s loss 4\n',
      'run [######--]  75% 6/8 0.0 s loss 6\n',
      'run [########] 100% 8/8 0.0 s accuracy 90 %\n',
    ]);
    expect(out.join('')).not.toContain('\r');
  });

  it('redraws one line in place at most once per interval when interactive', () => {
    const out: string[] = [];
    const bar = startProgress('run', 100, {
      write: (t) => out.push(t),
      interactive: true,
      width: 10,
      minIntervalMs: 100,
      now: fakeClock(30),
    });
    for (let done = 1; done <= 100; done++) bar.update(done);
    bar.finish();
    expect(out.every((t) => t.startsWith('\r') || t === '\n')).toBe(true);
    expect(out.length).toBeGreaterThan(10);
    expect(out.length).toBeLessThan(40);
    expect(out[out.length - 2]).toMatch(/^\rrun \[##########\] 100% 100\/100 /);
    expect(out[out.length - 1]).toBe('\n');
  });

  it('finishes at the last reported count (a run that stopped early) and ignores later calls', () => {
    const out: string[] = [];
    const bar = startProgress('run', 10, {
      write: (t) => out.push(t),
      interactive: false,
      now: fakeClock(0),
    });
    bar.update(3);
    bar.finish('failed');
    bar.update(9);
    bar.finish();
    expect(out.at(-1)).toContain(' 30% 3/10 ');
    expect(out.at(-1)).toContain('failed');
    expect(out).toHaveLength(3);
  });

  it('draws bars and rejects a bad total', () => {
    expect(renderBar(0.5, 4)).toBe('[##--]');
    expect(renderBar(2, 4)).toBe('[####]');
    expect(renderBar(Number.NaN, 2)).toBe('[--]');
    expect(() => startProgress('x', 0, { write: () => {}, interactive: false })).toThrow(
      'total must be a positive integer; got 0',
    );
  });
});
