/** A tfjs CNN Conv2D(4, 3×3, stride 2, same, relu) → Flatten → Dense softmax trains with every optimizer (cases in training-cases.ts). */
import { beforeAll, describe } from 'vitest';
import { cnn, useCpu } from './helpers.js';
import { trainingCases } from './training-cases.js';

beforeAll(useCpu);

describe('A tfjs CNN Conv2D(4, 3×3, stride 2, same, relu) → Flatten → Dense softmax', () =>
  trainingCases(() => cnn(), [6, 6, 1], 32));
