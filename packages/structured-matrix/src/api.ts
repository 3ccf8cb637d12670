/**
 * Plain-data descriptions of the structures. A spec names a structure and its parameters;
 * {@link project}, {@link identity} and {@link zeros} turn it into a matrix of that structure.
 *
 * | kind | free entries of a d × d matrix | stored entries |
 * |---|---|---|
 * | `dense` | all | d² |
 * | `diagonal` | the diagonal | d |
 * | `block-diagonal` | ⌊d/B⌋ blocks B × B, then one (d mod B)² block | ⌊d/B⌋B² + (d mod B)² |
 * | `hierarchical` | `[[A, B], [0, diag(c), 0], [0, D, E]]`, A k1 × k1, E k2 × k2 | see the class |
 * | `lower-toeplitz` / `upper-toeplitz` | `T_ij = t_{|i−j|}` on one triangle | d |
 * | `lower-triangular` / `upper-triangular` | one triangle | d(d+1)/2 |
 * | `lower-bottom-right-diagonal` | first column + diagonal | 2d − 1 |
 * | `lower-top-left-diagonal` | last row + diagonal | 2d − 1 |
 * | `upper-bottom-right-diagonal` | first row + diagonal | 2d − 1 |
 * | `upper-top-left-diagonal` | last column + diagonal | 2d − 1 |
 */
export type StructureSpec =
  | { readonly kind: 'dense' }
  | { readonly kind: 'diagonal' }
  | { readonly kind: 'block-diagonal'; readonly blockSize: number }
  | { readonly kind: 'hierarchical'; readonly k1: number; readonly k2: number }
  | { readonly kind: 'lower-toeplitz' }
  | { readonly kind: 'upper-toeplitz' }
  | { readonly kind: 'lower-triangular' }
  | { readonly kind: 'upper-triangular' }
  | { readonly kind: 'lower-bottom-right-diagonal' }
  | { readonly kind: 'lower-top-left-diagonal' }
  | { readonly kind: 'upper-bottom-right-diagonal' }
  | { readonly kind: 'upper-top-left-diagonal' };

/** The `kind` literal of every structure. */
export type StructureKind = StructureSpec['kind'];

/** The spec of one kind. */
export type SpecOf<K extends StructureKind> = Extract<StructureSpec, { kind: K }>;

/** Every structure kind, in the order of the table above. */
export const STRUCTURE_KINDS: readonly StructureKind[] = [
  'dense',
  'diagonal',
  'block-diagonal',
  'hierarchical',
  'lower-toeplitz',
  'upper-toeplitz',
  'lower-triangular',
  'upper-triangular',
  'lower-bottom-right-diagonal',
  'lower-top-left-diagonal',
  'upper-bottom-right-diagonal',
  'upper-top-left-diagonal',
];
