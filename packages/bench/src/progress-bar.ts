/**
 * Progress reporting for long work on standard error: a redrawn bar when stderr is a terminal,
 * a few plain lines otherwise (so logs and CI output stay readable).
 */

/** Where and how progress is shown. */
export interface ProgressOptions {
  /** Writes text to standard error (the caller's `context.stderr`). */
  readonly write: (text: string) => void;
  /**
   * True when stderr is a terminal: draw one bar and redraw it in place (`\r`). False: print a
   * plain line at the start, at every quarter and at the end.
   */
  readonly interactive: boolean;
  /** Width of the bar in characters (interactive only). Default 24. */
  readonly width?: number;
  /** Milliseconds between redraws (interactive only). Default 100. */
  readonly minIntervalMs?: number;
  /** The clock, in milliseconds (tests pass a fake). Default `performance.now`. */
  readonly now?: () => number;
}

/** A progress display for one task of `total` units. */
export interface ProgressBar {
  /** Reports that `done` of the `total` units are finished, with `detail` (e.g. the loss). */
  update(done: number, detail?: string): void;
  /** Finishes the display at the last reported count (a final line; interactive: ends the bar's line). */
  finish(detail?: string): void;
}

/** `[#####-----]` for `fraction` in [0, 1] (clamped), `width` characters between the brackets. */
export function renderBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Starts a progress display for `label` over `total` units (see {@link ProgressOptions}).
 * Cost: O(1) per update; writes at most once per `minIntervalMs` when interactive, at most
 * 5 lines in all otherwise.
 * @throws RangeError when `total` is not a positive integer.
 */
export function startProgress(label: string, total: number, options: ProgressOptions): ProgressBar {
  if (!Number.isInteger(total) || total < 1) {
    throw new RangeError(`total must be a positive integer; got ${total}`);
  }
  const now = options.now ?? (() => performance.now());
  const width = options.width ?? 24;
  const minInterval = options.minIntervalMs ?? 100;
  const start = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastQuarter = 0;
  let lastLength = 0;
  let finished = false;
  let current = 0;

  const line = (done: number, detail: string | undefined) => {
    const percent = Math.floor((100 * done) / total);
    const extra = detail === undefined || detail === '' ? '' : ` ${detail}`;
    return `${label} ${renderBar(done / total, width)} ${String(percent).padStart(3)}% ${done}/${total} ${formatSeconds(now() - start)}${extra}`;
  };
  const draw = (text: string) => {
    const padding = ' '.repeat(Math.max(0, lastLength - text.length));
    options.write(`\r${text}${padding}`);
    lastLength = text.length;
  };

  if (!options.interactive) options.write(`${label}: started (${total} steps)\n`);
  return {
    update(done, detail) {
      if (finished) return;
      current = done;
      if (options.interactive) {
        const t = now();
        if (t - lastDraw < minInterval && done < total) return;
        lastDraw = t;
        draw(line(done, detail));
        return;
      }
      const quarter = Math.floor((4 * done) / total);
      if (quarter > lastQuarter && done < total) {
        lastQuarter = quarter;
        options.write(`${line(done, detail)}\n`);
      }
    },
    finish(detail) {
      if (finished) return;
      finished = true;
      if (options.interactive) {
        draw(line(current, detail));
        options.write('\n');
      } else {
        options.write(`${line(current, detail)}\n`);
      }
    },
  };
}
