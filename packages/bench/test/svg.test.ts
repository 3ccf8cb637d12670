import { describe, expect, it } from 'vitest';
import { renderBarChart } from '../src/svg-bar-chart.js';
import { renderLineChart } from '../src/svg-line-chart.js';
import { escapeXml } from '../src/svg-markup.js';
import { linearScale, logScale, niceStep } from '../src/svg-scale.js';
import { parseXmlElements } from './svg-well-formed.js';

function rootOf(svg: string) {
  const elements = parseXmlElements(svg);
  const root = elements[0]!;
  expect(root.name).toBe('svg');
  expect(root.attributes['xmlns']).toBe('http://www.w3.org/2000/svg');
  expect(root.attributes['viewBox']).toMatch(/^0 0 \d+ \d+$/);
  return elements;
}

describe('the well-formedness checker', () => {
  it('rejects broken markup', () => {
    expect(() => parseXmlElements('<svg><g></svg>')).toThrow('</svg> closes <g>');
    expect(() => parseXmlElements('<svg><text>a < b</text></svg>')).toThrow('malformed tag');
    expect(() => parseXmlElements('<svg><text>R&D</text></svg>')).toThrow('unescaped &');
    expect(() => parseXmlElements('<svg a="1" a="2"/>')).toThrow('duplicate attribute');
    expect(() => parseXmlElements('<svg/><svg/>')).toThrow('expected one root element');
  });
});

describe('renderLineChart', () => {
  const series = [
    {
      name: 'singd-diagonal float32',
      color: '#1f77b4',
      points: [
        [1, 2.3],
        [2, 1.1],
        [3, 0.5],
      ] as const,
    },
    {
      name: 'kfac <bfloat16> & co',
      color: '#d62728',
      dashed: true,
      points: [
        [1, 2.2],
        [2, Number.NaN],
        [3, 0.9],
        [4, 0.4],
      ] as const,
    },
    { name: 'empty', color: '#2ca02c', points: [] },
  ];

  it('is well-formed standalone SVG with one path per series and an escaped legend', () => {
    for (const yScale of ['linear', 'log'] as const) {
      const svg = renderLineChart({
        title: 'Loss & accuracy',
        xLabel: 'step',
        yLabel: 'loss',
        yScale,
        series,
      });
      expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')).toBe(true);
      const elements = rootOf(svg);
      const paths = elements.filter((e) => e.name === 'path');
      expect(paths).toHaveLength(series.length);
      expect(paths.map((p) => p.attributes['stroke'])).toEqual(series.map((s) => s.color));
      expect(paths[1]!.attributes['stroke-dasharray']).toBe('6 3');
      expect(paths[0]!.attributes['stroke-dasharray']).toBeUndefined();
      // The NaN point breaks the second line into two sub-paths.
      expect(paths[1]!.attributes['d']!.match(/M/g)).toHaveLength(2);
      expect(paths[0]!.attributes['d']).toMatch(/^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);
      expect(paths[2]!.attributes['d']).toBe('');
      expect(svg).toContain('kfac &lt;bfloat16&gt; &amp; co');
    }
  });

  it('maps larger values higher up and keeps points inside the plot area', () => {
    const svg = renderLineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [series[0]!] });
    const d = parseXmlElements(svg).find((e) => e.name === 'path')!.attributes['d']!;
    const points = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(points[0]![0]).toBeLessThan(points[1]![0]!);
    expect(points[0]![1]).toBeLessThan(points[2]![1]!);
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(64);
      expect(x).toBeLessThanOrEqual(760 - 210);
      expect(y).toBeGreaterThanOrEqual(36);
      expect(y).toBeLessThanOrEqual(420 - 48);
    }
  });
});

describe('renderBarChart', () => {
  it('is well-formed with one bar per finite value', () => {
    const svg = renderBarChart({
      title: 'Optimizer state',
      xLabel: 'bytes',
      bars: [
        { label: 'adamw float32', value: 4_000_000, valueLabel: '3906 KiB (1.00× AdamW)', color: '#aaa' },
        { label: 'singd-diagonal float32', value: 2_000_000, valueLabel: '1953 KiB', color: '#bbb' },
        { label: 'broken', value: Number.NaN, valueLabel: '—', color: '#ccc' },
      ],
    });
    const elements = rootOf(svg);
    const bars = elements.filter((e) => e.name === 'rect' && e.attributes['fill'] !== 'white');
    expect(bars).toHaveLength(2);
    expect(Number(bars[0]!.attributes['width'])).toBeCloseTo(2 * Number(bars[1]!.attributes['width']), 1);
  });
});

describe('scales', () => {
  it('picks nice steps and covers the data', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.37, 5)).toBe(0.1);
    const scale = linearScale(0.12, 0.97, 0, 100);
    expect(scale.domain[0]).toBeLessThanOrEqual(0.12);
    expect(scale.domain[1]).toBeGreaterThanOrEqual(0.97);
    expect(scale.map(scale.domain[0])).toBe(0);
    expect(scale.map(scale.domain[1])).toBe(100);
    const flat = linearScale(3, 3, 0, 100);
    expect(flat.ticks.length).toBeGreaterThan(1);
    const log = logScale(0.03, 2.5, 100, 0);
    expect(log.ticks).toEqual([0.01, 0.1, 1, 10]);
    expect(log.map(1)).toBeCloseTo(100 / 3, 9);
    expect(() => logScale(0, 1, 0, 1)).toThrow(RangeError);
  });

  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
