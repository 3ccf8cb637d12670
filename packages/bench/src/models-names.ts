/** The models `singd-bench train` knows. */
export const MODEL_NAMES = ['mlp', 'cnn', 'mixer'] as const;

/** One of {@link MODEL_NAMES}. */
export type ModelName = (typeof MODEL_NAMES)[number];

/** One line per model, for `--help` and reports. */
export const MODEL_DESCRIPTIONS: Readonly<Record<ModelName, string>> = Object.freeze({
  mlp: 'MLP 784-256-256-10 (ReLU)',
  cnn: 'CNN conv5×5/2(8)-conv3×3/2(16)-dense64-10 (ReLU, NHWC)',
  mixer: 'one MLP-Mixer block on 16 patches of 7×7 (Dense token/channel mixing, residuals)',
});
