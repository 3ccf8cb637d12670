/** A tfjs MLP 4-8-3 (tanh, softmax) trains with every optimizer (cases in training-cases.ts). */
import { beforeAll, describe } from 'vitest';
import { mlp, useCpu } from './helpers.js';
import { trainingCases } from './training-cases.js';

beforeAll(useCpu);

describe('A tfjs MLP 4-8-3 (tanh, softmax)', () => trainingCases(() => mlp(), [4], 64));
