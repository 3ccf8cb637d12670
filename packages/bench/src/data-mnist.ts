import { join } from 'node:path';
import { CLASS_COUNT, IMAGE_PIXELS, type LabelledImages } from './data-images.js';
import { readDataArray } from './data-json-file.js';
import { DataLoadError } from './data-load-error.js';
import { mnistDigitsDirectory } from './data-package-files.js';

/** Where to read MNIST from. */
export interface MnistSourceOptions {
  /** Folder holding `0.json … 9.json`; default the installed `mnist` package's `src/digits`. */
  readonly directory?: string;
}

/**
 * Loads all 10,000 MNIST digits of the `mnist` package (1.1.0) by reading its per-digit files
 * `src/digits/<d>.json` directly (`{ "data": [flat floats] }`, 784 values in [0, 1] per image),
 * in file order: all 0s, then all 1s, … Its own `set()` shuffles with `Math.random`, so we do
 * not use it. Takes about 0.5 s and 80 MB of heap.
 *
 * @throws DataLoadError naming the file when one is missing, not JSON, not a multiple of 784
 *   values, or holds a value outside [0, 1].
 */
export async function loadMnist(options: MnistSourceOptions = {}): Promise<LabelledImages> {
  const directory = options.directory ?? mnistDigitsDirectory();
  const parts: { values: unknown[]; label: number; file: string }[] = [];
  for (let label = 0; label < CLASS_COUNT; label++) {
    const file = join(directory, `${label}.json`);
    const values = await readDataArray(file);
    if (values.length % IMAGE_PIXELS !== 0) {
      throw new DataLoadError(file, `${values.length} values is not a multiple of ${IMAGE_PIXELS}`);
    }
    parts.push({ values, label, file });
  }
  const count = parts.reduce((sum, part) => sum + part.values.length / IMAGE_PIXELS, 0);
  const images = new Float32Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const { values, label, file } of parts) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        throw new DataLoadError(file, `value ${i} is ${JSON.stringify(value)}; expected a number in [0, 1]`);
      }
      images[offset * IMAGE_PIXELS + i] = value;
    }
    labels.fill(label, offset, offset + values.length / IMAGE_PIXELS);
    offset += values.length / IMAGE_PIXELS;
  }
  return { images, labels, count };
}
