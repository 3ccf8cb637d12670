import { join } from 'node:path';
import { CLASS_COUNT, IMAGE_PIXELS, type LabelledImages } from './data-images.js';
import { readDataArray } from './data-json-file.js';
import { DataLoadError } from './data-load-error.js';
import { fashionMnistClothesDirectory } from './data-package-files.js';

/** Where to read Fashion-MNIST from. */
export interface FashionMnistSourceOptions {
  /** Folder holding `0.json … 9.json`; default the installed `fashion-mnist` package's `src/clothes`. */
  readonly directory?: string;
}

/**
 * Fashion-MNIST class names in label order (the standard order; the package does not
 * document it, so this is assumed, not verified).
 */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/**
 * Loads the 70,000 Fashion-MNIST images of the `fashion-mnist` package (1.1.0) by reading its
 * per-class files `src/clothes/<d>.json` directly (`{ "data": [[784 ints 0…255], …] }`); its
 * accessor API is broken (it sees 8 images per class). Rows that are not 784 long are skipped
 * (`0.json` holds 2 empty rows); grey levels are scaled to [0, 1] by `/255`. Order: all class 0,
 * then class 1, … Takes about 3 s and 500 MB of heap while parsing.
 *
 * @throws DataLoadError naming the file when one is missing, not JSON, has no 784-long row, or
 *   holds a value that is not an integer in 0…255.
 */
export async function loadFashionMnist(options: FashionMnistSourceOptions = {}): Promise<LabelledImages> {
  const directory = options.directory ?? fashionMnistClothesDirectory();
  const chunks: Float32Array[] = [];
  const chunkLabels: number[] = [];
  for (let label = 0; label < CLASS_COUNT; label++) {
    const file = join(directory, `${label}.json`);
    const rows = (await readDataArray(file)).filter(
      (row): row is unknown[] => Array.isArray(row) && row.length === IMAGE_PIXELS,
    );
    if (rows.length === 0) throw new DataLoadError(file, `no row of ${IMAGE_PIXELS} values`);
    const chunk = new Float32Array(rows.length * IMAGE_PIXELS);
    rows.forEach((row, r) => {
      for (let i = 0; i < IMAGE_PIXELS; i++) {
        const value = row[i];
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
          throw new DataLoadError(
            file,
            `row ${r} value ${i} is ${JSON.stringify(value)}; expected an integer in 0…255`,
          );
        }
        chunk[r * IMAGE_PIXELS + i] = value / 255;
      }
    });
    chunks.push(chunk);
    chunkLabels.push(label);
  }
  const count = chunks.reduce((sum, chunk) => sum + chunk.length / IMAGE_PIXELS, 0);
  const images = new Float32Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  chunks.forEach((chunk, k) => {
    images.set(chunk, offset * IMAGE_PIXELS);
    labels.fill(chunkLabels[k]!, offset, offset + chunk.length / IMAGE_PIXELS);
    offset += chunk.length / IMAGE_PIXELS;
  });
  return { images, labels, count };
}
