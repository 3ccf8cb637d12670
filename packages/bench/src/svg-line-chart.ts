import { coordinate, element, svgDocument, textElement } from './svg-markup.js';
import { type AxisScale, formatTick, linearScale, logScale } from './svg-scale.js';

/** One line of a {@link LineChart}. */
export interface LineSeries {
  /** Legend text. */
  readonly name: string;
  /** `[x, y]` points in drawing order; non-finite points break the line (they are not drawn). */
  readonly points: readonly (readonly [number, number])[];
  /** CSS colour of the line. */
  readonly color: string;
  /** Draw dashed (used for bfloat16 runs). */
  readonly dashed?: boolean;
}

/** A chart of several series against a shared x axis. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** `log` draws y on a base-10 log scale (non-positive y values are then not drawn). Default linear. */
  readonly yScale?: 'linear' | 'log';
  /** Fixed y range (e.g. accuracy in [0, 1]); default: the data's range. */
  readonly yRange?: readonly [number, number];
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 210, top: 36, bottom: 48 } as const;

function drawable(point: readonly [number, number], log: boolean): boolean {
  return Number.isFinite(point[0]) && Number.isFinite(point[1]) && (!log || point[1] > 0);
}

/** The `d` attribute of a path through `points`, starting a new sub-path after each gap. */
function pathData(points: readonly (readonly [number, number])[], x: AxisScale, y: AxisScale): string {
  const parts: string[] = [];
  let pen = false;
  for (const point of points) {
    if (!drawable(point, y.log)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${coordinate(x.map(point[0]))} ${coordinate(y.map(point[1]))}`);
    pen = true;
  }
  return parts.join(' ');
}

function axes(chart: LineChart, x: AxisScale, y: AxisScale): string {
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const out: string[] = [];
  for (const tick of y.ticks) {
    const py = y.map(tick);
    out.push(element('line', { x1: left, x2: right, y1: py, y2: py, stroke: '#e5e5e5' }));
    out.push(textElement(formatTick(tick, y.log), { x: left - 6, y: py + 4, 'text-anchor': 'end' }));
  }
  for (const tick of x.ticks) {
    const px = x.map(tick);
    out.push(element('line', { x1: px, x2: px, y1: top, y2: bottom, stroke: '#f0f0f0' }));
    out.push(textElement(formatTick(tick, false), { x: px, y: bottom + 16, 'text-anchor': 'middle' }));
  }
  out.push(
    element('rect', {
      x: left,
      y: top,
      width: right - left,
      height: bottom - top,
      fill: 'none',
      stroke: '#888',
    }),
  );
  out.push(textElement(chart.title, { x: left, y: 22, 'font-size': 15, 'font-weight': 'bold' }));
  out.push(textElement(chart.xLabel, { x: (left + right) / 2, y: HEIGHT - 10, 'text-anchor': 'middle' }));
  out.push(
    textElement(chart.yLabel, {
      x: 16,
      y: (top + bottom) / 2,
      'text-anchor': 'middle',
      transform: `rotate(-90 16 ${coordinate((top + bottom) / 2)})`,
    }),
  );
  return out.join('\n');
}

function legend(series: readonly LineSeries[]): string {
  const x = WIDTH - MARGIN.right + 16;
  return series
    .map((s, i) => {
      const y = MARGIN.top + 10 + i * 18;
      return (
        element('line', {
          x1: x,
          x2: x + 26,
          y1: y,
          y2: y,
          stroke: s.color,
          'stroke-width': 2,
          'stroke-dasharray': s.dashed === true ? '6 3' : undefined,
        }) + textElement(s.name, { x: x + 32, y: y + 4 })
      );
    })
    .join('\n');
}

/**
 * Renders `chart` as a standalone SVG document (760 × 420, `viewBox` set, white background):
 * axes with nice ticks, a grid, one `<path>` per series (gaps where points are non-finite),
 * and a legend on the right. Cost: O(total points).
 */
export function renderLineChart(chart: LineChart): string {
  const log = chart.yScale === 'log';
  const all = chart.series.flatMap((s) => s.points.filter((p) => drawable(p, log)));
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = xs.length === 0 ? 0 : Math.min(...xs);
  const xMax = xs.length === 0 ? 1 : Math.max(...xs);
  const [yMin, yMax] =
    chart.yRange ?? (ys.length === 0 ? [log ? 0.1 : 0, 1] : [Math.min(...ys), Math.max(...ys)]);
  const x = linearScale(xMin, xMax, MARGIN.left, WIDTH - MARGIN.right, 6);
  const y = log
    ? logScale(yMin, yMax, HEIGHT - MARGIN.bottom, MARGIN.top)
    : linearScale(yMin, yMax, HEIGHT - MARGIN.bottom, MARGIN.top, 5);
  const paths = chart.series.map((s) =>
    element('path', {
      d: pathData(s.points, x, y),
      fill: 'none',
      stroke: s.color,
      'stroke-width': 1.6,
      'stroke-dasharray': s.dashed === true ? '6 3' : undefined,
    }),
  );
  return svgDocument(
    WIDTH,
    HEIGHT,
    chart.title,
    [axes(chart, x, y), ...paths, legend(chart.series)].join('\n'),
  );
}
