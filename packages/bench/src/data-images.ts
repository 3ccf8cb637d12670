/**
 * The in-memory form of an image-classification data set: 28 × 28 grey images flattened to
 * 784 float32 values in [0, 1], and one integer label in 0…9 per image.
 */

/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = 784;

/** Side length of the square images, in pixels. */
export const IMAGE_SIDE = 28;

/** Number of classes (labels 0…9). */
export const CLASS_COUNT = 10;

/** Labelled images: image `i` is `images[i·784 … (i+1)·784)`, its label `labels[i]`. */
export interface LabelledImages {
  /** `count × 784` values in [0, 1], row-major, one row per image. */
  readonly images: Float32Array;
  /** `count` labels in 0…9. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/**
 * The images at `indices`, in that order (a copy). Cost: O(indices.length · 784).
 * @throws RangeError when an index is outside `[0, source.count)`.
 */
export function selectImages(source: LabelledImages, indices: ArrayLike<number>): LabelledImages {
  const count = indices.length;
  const images = new Float32Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const index = indices[i]!;
    if (!Number.isInteger(index) || index < 0 || index >= source.count) {
      throw new RangeError(`index ${index} is outside the ${source.count} images`);
    }
    images.set(source.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    labels[i] = source.labels[index]!;
  }
  return { images, labels, count };
}

/** How many images of each class `data` holds: `counts[c]` for label `c`. Cost: O(count). */
export function classCounts(data: LabelledImages): number[] {
  const counts = new Array<number>(CLASS_COUNT).fill(0);
  for (let i = 0; i < data.count; i++) counts[data.labels[i]!]!++;
  return counts;
}
