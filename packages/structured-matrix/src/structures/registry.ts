import { describeValue } from '@singd/half';
import { STRUCTURE_KINDS, type StructureKind } from '../api.js';
import { type BlockDiagonalMatrix, blockDiagonalStructure } from './block-diagonal.js';
import { type DenseMatrix, denseStructure } from './dense.js';
import { type DiagonalMatrix, diagonalStructure } from './diagonal.js';
import { type HierarchicalMatrix, hierarchicalStructure } from './hierarchical.js';
import {
  type LowerBottomRightDiagonalMatrix,
  lowerBottomRightDiagonalStructure,
} from './lower-bottom-right-diagonal.js';
import { type LowerToeplitzMatrix, lowerToeplitzStructure } from './lower-toeplitz.js';
import { type LowerTopLeftDiagonalMatrix, lowerTopLeftDiagonalStructure } from './lower-top-left-diagonal.js';
import { type LowerTriangularMatrix, lowerTriangularStructure } from './lower-triangular.js';
import type { StructureFactory } from './structure-factory.js';
import {
  type UpperBottomRightDiagonalMatrix,
  upperBottomRightDiagonalStructure,
} from './upper-bottom-right-diagonal.js';
import { type UpperToeplitzMatrix, upperToeplitzStructure } from './upper-toeplitz.js';
import { type UpperTopLeftDiagonalMatrix, upperTopLeftDiagonalStructure } from './upper-top-left-diagonal.js';
import { type UpperTriangularMatrix, upperTriangularStructure } from './upper-triangular.js';

/** The matrix class of each structure kind. */
export interface MatrixByKind {
  dense: DenseMatrix;
  diagonal: DiagonalMatrix;
  'block-diagonal': BlockDiagonalMatrix;
  hierarchical: HierarchicalMatrix;
  'lower-toeplitz': LowerToeplitzMatrix;
  'upper-toeplitz': UpperToeplitzMatrix;
  'lower-triangular': LowerTriangularMatrix;
  'upper-triangular': UpperTriangularMatrix;
  'lower-bottom-right-diagonal': LowerBottomRightDiagonalMatrix;
  'lower-top-left-diagonal': LowerTopLeftDiagonalMatrix;
  'upper-bottom-right-diagonal': UpperBottomRightDiagonalMatrix;
  'upper-top-left-diagonal': UpperTopLeftDiagonalMatrix;
}

const FACTORIES: { readonly [K in StructureKind]: StructureFactory<K, MatrixByKind[K]> } = {
  dense: denseStructure,
  diagonal: diagonalStructure,
  'block-diagonal': blockDiagonalStructure,
  hierarchical: hierarchicalStructure,
  'lower-toeplitz': lowerToeplitzStructure,
  'upper-toeplitz': upperToeplitzStructure,
  'lower-triangular': lowerTriangularStructure,
  'upper-triangular': upperTriangularStructure,
  'lower-bottom-right-diagonal': lowerBottomRightDiagonalStructure,
  'lower-top-left-diagonal': lowerTopLeftDiagonalStructure,
  'upper-bottom-right-diagonal': upperBottomRightDiagonalStructure,
  'upper-top-left-diagonal': upperTopLeftDiagonalStructure,
};

/** The factory of structure `kind`. @throws RangeError listing the valid kinds. */
export function structureFactory<K extends StructureKind>(kind: K): StructureFactory<K, MatrixByKind[K]> {
  const factory = (FACTORIES as unknown as Record<string, StructureFactory<K, MatrixByKind[K]> | undefined>)[
    kind
  ];
  if (factory === undefined) {
    throw new RangeError(
      `structure kind must be one of ${STRUCTURE_KINDS.map((k) => `'${k}'`).join(', ')}; got ${describeValue(kind)}`,
    );
  }
  return factory;
}
