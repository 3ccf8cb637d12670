import { element, svgDocument, textElement } from './svg-markup.js';
import { formatTick, linearScale } from './svg-scale.js';

/** One bar of a {@link BarChart}. */
export interface Bar {
  /** Label left of the bar. */
  readonly label: string;
  /** Length of the bar (≥ 0; non-finite values draw no bar). */
  readonly value: number;
  /** Text right of the bar (e.g. `52.1 KiB (0.51× AdamW)`). */
  readonly valueLabel: string;
  readonly color: string;
}

/** A horizontal bar chart. */
export interface BarChart {
  readonly title: string;
  readonly xLabel: string;
  readonly bars: readonly Bar[];
}

const WIDTH = 760;
const ROW = 24;
const MARGIN = { left: 230, right: 170, top: 40, bottom: 44 } as const;

/**
 * Renders `chart` as a standalone SVG document: one horizontal `<rect>` per bar from zero,
 * labels on the left, value labels on the right, an x axis with nice ticks. The height
 * grows with the number of bars. Cost: O(bars).
 */
export function renderBarChart(chart: BarChart): string {
  const height = MARGIN.top + MARGIN.bottom + ROW * Math.max(1, chart.bars.length);
  const values = chart.bars.map((b) => b.value).filter((v) => Number.isFinite(v) && v >= 0);
  const x = linearScale(0, Math.max(1e-12, ...values), MARGIN.left, WIDTH - MARGIN.right, 5);
  const bottom = height - MARGIN.bottom;
  const out: string[] = [textElement(chart.title, { x: 12, y: 22, 'font-size': 15, 'font-weight': 'bold' })];
  for (const tick of x.ticks) {
    const px = x.map(tick);
    out.push(element('line', { x1: px, x2: px, y1: MARGIN.top, y2: bottom, stroke: '#e5e5e5' }));
    out.push(textElement(formatTick(tick, false), { x: px, y: bottom + 16, 'text-anchor': 'middle' }));
  }
  chart.bars.forEach((bar, i) => {
    const y = MARGIN.top + i * ROW;
    const valid = Number.isFinite(bar.value) && bar.value >= 0;
    const end = valid ? x.map(bar.value) : MARGIN.left;
    out.push(textElement(bar.label, { x: MARGIN.left - 8, y: y + ROW / 2 + 4, 'text-anchor': 'end' }));
    if (valid) {
      out.push(
        element('rect', {
          x: MARGIN.left,
          y: y + 4,
          width: end - MARGIN.left,
          height: ROW - 8,
          fill: bar.color,
        }),
      );
    }
    out.push(textElement(bar.valueLabel, { x: end + 6, y: y + ROW / 2 + 4 }));
  });
  out.push(element('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: bottom, stroke: '#888' }));
  out.push(
    textElement(chart.xLabel, {
      x: (MARGIN.left + WIDTH - MARGIN.right) / 2,
      y: height - 10,
      'text-anchor': 'middle',
    }),
  );
  return svgDocument(WIDTH, height, chart.title, out.join('\n'));
}
