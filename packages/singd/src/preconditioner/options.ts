import { type DType, describeValue, isDType } from '@singd/half';
import { STRUCTURE_KINDS, type StructureSpec } from '@singd/structured-matrix';

/** The preconditioner learning rate β1: a constant or a schedule of the 0-based step. */
export type LrCov = number | ((step: number) => number);

/** Options of the SINGD preconditioner of one layer (spec §2.5.A). */
export interface SingdPreconditionerOptions {
  /** λ, default 1e-3; finite and ≥ 0. */
  readonly damping?: number;
  /** α1 (Riemannian momentum), default 0.5; in [0, 1). */
  readonly alpha1?: number;
  /** β1, default 1e-2; a finite number ≥ 0 or a function of the 0-based step. */
  readonly lrCov?: LrCov;
  /** Structures of (K, m_K) and (C, m_C); default dense/dense. */
  readonly structures?: { readonly K: StructureSpec; readonly C: StructureSpec };
  /** Dtypes of (K, m_K) and (C, m_C); default float32/float32. */
  readonly dtypes?: { readonly K: DType; readonly C: DType };
  /** IKFAC mode; forces alpha1 = 0 (with a warning). Default false. */
  readonly kfacLike?: boolean;
  /** Normalised step size for K, C (spec §2.5.E1 step 9). Default false. */
  readonly normalizeLrCov?: boolean;
}

/** Fully resolved options, plus the warnings produced while resolving. */
export interface ResolvedSingdPreconditionerOptions {
  readonly damping: number;
  readonly alpha1: number;
  readonly lrCov: LrCov;
  readonly structures: { readonly K: StructureSpec; readonly C: StructureSpec };
  readonly dtypes: { readonly K: DType; readonly C: DType };
  readonly kfacLike: boolean;
  readonly normalizeLrCov: boolean;
  readonly warnings: readonly string[];
}

/** The defaults of {@link SingdPreconditionerOptions}. */
export const SINGD_PRECONDITIONER_DEFAULTS = Object.freeze({
  damping: 1e-3,
  alpha1: 0.5,
  lrCov: 1e-2,
  structures: Object.freeze({ K: Object.freeze({ kind: 'dense' }), C: Object.freeze({ kind: 'dense' }) }),
  dtypes: Object.freeze({ K: 'float32', C: 'float32' }),
  kfacLike: false,
  normalizeLrCov: false,
}) as Omit<ResolvedSingdPreconditionerOptions, 'warnings'>;

function checkNumber(value: unknown, name: string, min: number, maxExclusive?: number): number {
  const range =
    maxExclusive === undefined ? `a finite number ≥ ${min}` : `a number in [${min}, ${maxExclusive})`;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (maxExclusive !== undefined && value >= maxExclusive)
  ) {
    throw new RangeError(`${name} must be ${range}; got ${describeValue(value)}`);
  }
  return value;
}

function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${name} must be a boolean; got ${describeValue(value)}`);
  return value;
}

function checkSpec(value: unknown, name: string): StructureSpec {
  if (
    typeof value !== 'object' ||
    value === null ||
    !STRUCTURE_KINDS.includes((value as { kind?: unknown }).kind as never)
  ) {
    throw new RangeError(
      `${name} must be a structure spec with kind one of ${STRUCTURE_KINDS.join(', ')}; got ${describeValue(value)}`,
    );
  }
  return value as StructureSpec;
}

function checkDType(value: unknown, name: string): DType {
  if (!isDType(value)) {
    throw new RangeError(
      `${name} must be one of float64, float32, bfloat16, float16; got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Validates and fills in defaults.
 * @throws RangeError naming the option and its allowed range; TypeError for non-boolean flags.
 */
export function resolveSingdPreconditionerOptions(
  options: SingdPreconditionerOptions = {},
): ResolvedSingdPreconditionerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object; got ${describeValue(options)}`);
  }
  const d = SINGD_PRECONDITIONER_DEFAULTS;
  const damping = checkNumber(options.damping ?? d.damping, 'damping', 0);
  let alpha1 = checkNumber(options.alpha1 ?? d.alpha1, 'alpha1', 0, 1);
  const lrCovRaw = options.lrCov ?? d.lrCov;
  const lrCov = typeof lrCovRaw === 'function' ? lrCovRaw : checkNumber(lrCovRaw, 'lrCov', 0);
  const structuresRaw = options.structures ?? d.structures;
  if (typeof structuresRaw !== 'object' || structuresRaw === null) {
    throw new RangeError(`structures must be an object { K, C }; got ${describeValue(structuresRaw)}`);
  }
  const structures = {
    K: checkSpec(structuresRaw.K, 'structures.K'),
    C: checkSpec(structuresRaw.C, 'structures.C'),
  };
  const dtypesRaw = options.dtypes ?? d.dtypes;
  if (typeof dtypesRaw !== 'object' || dtypesRaw === null) {
    throw new RangeError(`dtypes must be an object { K, C }; got ${describeValue(dtypesRaw)}`);
  }
  const dtypes = { K: checkDType(dtypesRaw.K, 'dtypes.K'), C: checkDType(dtypesRaw.C, 'dtypes.C') };
  const kfacLike = checkBoolean(options.kfacLike ?? d.kfacLike, 'kfacLike');
  const normalizeLrCov = checkBoolean(options.normalizeLrCov ?? d.normalizeLrCov, 'normalizeLrCov');
  const warnings: string[] = [];
  if (kfacLike && alpha1 !== 0) {
    warnings.push(`kfacLike = true requires alpha1 = 0; alpha1 = ${alpha1} was set to 0`);
    alpha1 = 0;
  }
  return { damping, alpha1, lrCov, structures, dtypes, kfacLike, normalizeLrCov, warnings };
}

/** β1 at the 0-based `step`. @throws RangeError when a schedule returns a negative or non-finite value. */
export function lrCovAt(lrCov: LrCov, step: number): number {
  return typeof lrCov === 'function' ? checkNumber(lrCov(step), `lrCov(${step})`, 0) : lrCov;
}
