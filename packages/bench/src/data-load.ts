import { loadFashionMnist } from './data-fashion-mnist.js';
import type { LabelledImages } from './data-images.js';
import { loadMnist } from './data-mnist.js';
import { splitTrainTest, type TrainTestSplit } from './data-split.js';

/** The data sets `singd-bench train` knows. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;

/** One of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Images available per data set (mnist 1.1.0: 10,000; fashion-mnist 1.1.0: 70,000 after dropping 2 empty rows). */
export const DATASET_SIZES: Readonly<Record<DatasetName, number>> = Object.freeze({
  mnist: 10_000,
  'fashion-mnist': 70_000,
});

/** What {@link loadDataset} loads. */
export interface LoadDatasetOptions {
  readonly trainSize: number;
  readonly testSize: number;
  /** Seed of the split (and of its order). */
  readonly seed: number;
  /** Folder of the `0.json … 9.json` files; default the installed package's. */
  readonly directory?: string;
}

/** A loaded, split data set. */
export interface LoadedDataset extends TrainTestSplit {
  readonly name: DatasetName;
  /** Images in the whole source before splitting. */
  readonly sourceCount: number;
  /** Milliseconds spent reading and parsing the files. */
  readonly loadMs: number;
}

/** Reads every image of data set `name` (see {@link loadMnist}, {@link loadFashionMnist}). */
export function loadAllImages(name: DatasetName, directory?: string): Promise<LabelledImages> {
  const source = directory === undefined ? {} : { directory };
  switch (name) {
    case 'mnist':
      return loadMnist(source);
    case 'fashion-mnist':
      return loadFashionMnist(source);
  }
}

/**
 * Loads data set `name` and draws a seeded train/test split from it (see {@link splitTrainTest}).
 * @throws DataLoadError naming the file that failed; RangeError for bad sizes.
 */
export async function loadDataset(name: DatasetName, options: LoadDatasetOptions): Promise<LoadedDataset> {
  const start = performance.now();
  const all = await loadAllImages(name, options.directory);
  const loadMs = performance.now() - start;
  const split = splitTrainTest(all, options);
  return { name, sourceCount: all.count, loadMs, ...split };
}
