// Writes the WebAssembly text of the batched float64 FFT used by the cpu Toeplitz kernels
// (src/backend/cpu/wasm/fft-f64.wat). The butterflies are unrolled over the SIMD groups of a
// row here, in JavaScript, because the text format has no macros. scripts/build-wasm.mjs
// regenerates the .wat from this file before compiling every .wat.

const LANES = 8; // complex sequences per batch (two real columns each)
const COLUMNS = 2 * LANES; // real columns per batch
const ROW = 2 * LANES * 8; // bytes per row: LANES real parts, then LANES imaginary parts (f64)
const IM = LANES * 8; // byte offset of the imaginary parts within a row
const GROUPS = Array.from({ length: LANES / 2 }, (_, g) => 16 * g); // f64x2 groups of one half
const TWIDDLE = 48; // bytes per twiddle entry: re and im of w, w², w³ (f64 each, splatted on load)

const get = (name) => `(local.get $${name})`;
const set = (name, value) => `(local.set $${name} ${value})`;
const add = (a, b) => `(f64x2.add ${a} ${b})`;
const sub = (a, b) => `(f64x2.sub ${a} ${b})`;
const mul = (a, b) => `(f64x2.mul ${a} ${b})`;
const load = (pointer, offset) => `(v128.load offset=${offset} ${get(pointer)})`;
/** One f64 at pointer + offset in both lanes of an f64x2. */
const splat = (pointer, offset) => `(v128.load64_splat offset=${offset} ${get(pointer)})`;
const store = (pointer, offset, value) => `(v128.store offset=${offset} ${get(pointer)} ${value})`;

/** Sets `name` r/i to the complex point at pointer + offset (real part; imaginary part IM later). */
const loadPoint = (name, pointer, offset) => [
  set(`${name}r`, load(pointer, offset)),
  set(`${name}i`, load(pointer, offset + IM)),
];

/** Stores the complex point (re, im) at pointer + offset. */
const storePoint = (pointer, offset, re, im) => [store(pointer, offset, re), store(pointer, offset + IM, im)];

/** s = a0 + a2, u = a0 − a2, t = a1 + a3, v = a1 − a3: the first level of a forward radix-4 butterfly. */
const forwardSums = () => [
  set('sr', add(get('a0r'), get('a2r'))),
  set('si', add(get('a0i'), get('a2i'))),
  set('ur', sub(get('a0r'), get('a2r'))),
  set('ui', sub(get('a0i'), get('a2i'))),
  set('tr', add(get('a1r'), get('a3r'))),
  set('ti', add(get('a1i'), get('a3i'))),
  set('vr', sub(get('a1r'), get('a3r'))),
  set('vi', sub(get('a1i'), get('a3i'))),
];

/** Stores (xr + i·xi)·(wr + i·wi), or the product with the conjugate twiddle (w null: twiddle 1). */
function storeProduct(pointer, offset, xr, xi, w, conjugate) {
  if (w === null) return [store(pointer, offset, get(xr)), store(pointer, offset + IM, get(xi))];
  const [wr, wi] = [get(`${w}r`), get(`${w}i`)];
  const re = conjugate ? add(mul(get(xr), wr), mul(get(xi), wi)) : sub(mul(get(xr), wr), mul(get(xi), wi));
  const im = conjugate ? sub(mul(get(xi), wr), mul(get(xr), wi)) : add(mul(get(xr), wi), mul(get(xi), wr));
  return [store(pointer, offset, re), store(pointer, offset + IM, im)];
}

/** Sets `name` r/i to the product of the loaded point at pointer/offset with the conjugate twiddle. */
function loadConjugateProduct(name, pointer, offset, w) {
  if (w === null)
    return [set(`${name}r`, load(pointer, offset)), set(`${name}i`, load(pointer, offset + IM))];
  const [wr, wi] = [get(`${w}r`), get(`${w}i`)];
  return [
    set('xr', load(pointer, offset)),
    set('xi', load(pointer, offset + IM)),
    set(`${name}r`, add(mul(get('xr'), wr), mul(get('xi'), wi))),
    set(`${name}i`, sub(mul(get('xi'), wr), mul(get('xr'), wi))),
  ];
}

/** Decimation-in-frequency radix-4 butterfly (two radix-2 stages, spans 2q and q) on one group. */
function forwardButterfly(o, unit) {
  return [
    ...['p0', 'p1', 'p2', 'p3'].flatMap((pointer, k) => loadPoint(`a${k}`, pointer, o)),
    ...forwardSums(),
    ...storePoint('p0', o, add(get('sr'), get('tr')), add(get('si'), get('ti'))),
    set('xr', sub(get('sr'), get('tr'))),
    set('xi', sub(get('si'), get('ti'))),
    ...storeProduct('p1', o, 'xr', 'xi', unit ? null : 'w2', false),
    // u − i·v and u + i·v
    set('xr', add(get('ur'), get('vi'))),
    set('xi', sub(get('ui'), get('vr'))),
    ...storeProduct('p2', o, 'xr', 'xi', unit ? null : 'w1', false),
    set('xr', sub(get('ur'), get('vi'))),
    set('xi', add(get('ui'), get('vr'))),
    ...storeProduct('p3', o, 'xr', 'xi', unit ? null : 'w3', false),
  ];
}

/** Decimation-in-time radix-4 butterfly with conjugate twiddles: 4× the inverse of {@link forwardButterfly}. */
function inverseButterfly(o, unit) {
  return [
    ...loadConjugateProduct('b', 'p1', o, unit ? null : 'w2'),
    ...loadPoint('a0', 'p0', o),
    set('sr', add(get('a0r'), get('br'))),
    set('si', add(get('a0i'), get('bi'))),
    set('tr', sub(get('a0r'), get('br'))),
    set('ti', sub(get('a0i'), get('bi'))),
    ...loadConjugateProduct('e', 'p2', o, unit ? null : 'w1'),
    ...loadConjugateProduct('f', 'p3', o, unit ? null : 'w3'),
    set('ur', add(get('er'), get('fr'))),
    set('ui', add(get('ei'), get('fi'))),
    // V = −i·(f − e)
    set('vr', sub(get('fi'), get('ei'))),
    set('vi', sub(get('er'), get('fr'))),
    ...storePoint('p0', o, add(get('sr'), get('ur')), add(get('si'), get('ui'))),
    ...storePoint('p2', o, sub(get('sr'), get('ur')), sub(get('si'), get('ui'))),
    ...storePoint('p1', o, add(get('tr'), get('vr')), add(get('ti'), get('vi'))),
    ...storePoint('p3', o, sub(get('tr'), get('vr')), sub(get('ti'), get('vi'))),
  ];
}

/** {@link forwardButterfly} for the first stage of a zero-padded transform: rows 2q … 4q−1 are zero. */
function forwardFirstButterfly(o, unit) {
  return [
    ...loadPoint('a0', 'p0', o),
    ...loadPoint('a1', 'p1', o),
    ...storePoint('p0', o, add(get('a0r'), get('a1r')), add(get('a0i'), get('a1i'))),
    set('xr', sub(get('a0r'), get('a1r'))),
    set('xi', sub(get('a0i'), get('a1i'))),
    ...storeProduct('p1', o, 'xr', 'xi', unit ? null : 'w2', false),
    set('xr', add(get('a0r'), get('a1i'))),
    set('xi', sub(get('a0i'), get('a1r'))),
    ...storeProduct('p2', o, 'xr', 'xi', unit ? null : 'w1', false),
    set('xr', sub(get('a0r'), get('a1i'))),
    set('xi', add(get('a0i'), get('a1r'))),
    ...storeProduct('p3', o, 'xr', 'xi', unit ? null : 'w3', false),
  ];
}

/** {@link inverseButterfly} for the last stage when only rows 0 … 2q−1 are wanted (p2, p3 not written). */
function inverseLastButterfly(o, unit) {
  return inverseButterfly(o, unit).filter(
    (line) => !line.includes('(v128.store offset=') || /\$p[01]\b/.test(line),
  );
}

/** (xr + i·xi) ← (xr + i·xi)·h_k for the spectrum entry k (re, im as f64, splatted on load) of the current rows. */
function multiplyBySpectrum(name, k) {
  const [hr, hi] = [splat('h', 16 * k), splat('h', 16 * k + 8)];
  return [
    set('xr', sub(mul(get(`${name}r`), hr), mul(get(`${name}i`), hi))),
    set(`${name}i`, add(mul(get(`${name}r`), hi), mul(get(`${name}i`), hr))),
    set(`${name}r`, get('xr')),
  ];
}

/** Forward unit radix-4 butterfly, product with the spectrum, inverse unit butterfly: rows p0 … p0+3. */
function spectrumButterfly4(o) {
  const rows = [0, 1, 2, 3];
  return [
    ...rows.flatMap((k) => loadPoint(`a${k}`, 'p0', o + k * ROW)),
    ...forwardSums(),
    set('a0r', add(get('sr'), get('tr'))),
    set('a0i', add(get('si'), get('ti'))),
    set('a1r', sub(get('sr'), get('tr'))),
    set('a1i', sub(get('si'), get('ti'))),
    set('a2r', add(get('ur'), get('vi'))),
    set('a2i', sub(get('ui'), get('vr'))),
    set('a3r', sub(get('ur'), get('vi'))),
    set('a3i', add(get('ui'), get('vr'))),
    ...rows.flatMap((k) => multiplyBySpectrum(`a${k}`, k)),
    set('sr', add(get('a0r'), get('a1r'))),
    set('si', add(get('a0i'), get('a1i'))),
    set('tr', sub(get('a0r'), get('a1r'))),
    set('ti', sub(get('a0i'), get('a1i'))),
    set('ur', add(get('a2r'), get('a3r'))),
    set('ui', add(get('a2i'), get('a3i'))),
    set('vr', sub(get('a3r'), get('a2r'))),
    set('vi', sub(get('a3i'), get('a2i'))),
    ...storePoint('p0', o, add(get('sr'), get('ur')), add(get('si'), get('ui'))),
    ...storePoint('p0', o + 2 * ROW, sub(get('sr'), get('ur')), sub(get('si'), get('ui'))),
    ...storePoint('p0', o + ROW, add(get('tr'), get('vi')), sub(get('ti'), get('vr'))),
    ...storePoint('p0', o + 3 * ROW, sub(get('tr'), get('vi')), add(get('ti'), get('vr'))),
  ];
}

/** Forward radix-2 butterfly, product with the spectrum, inverse radix-2 butterfly: rows p0, p0+1. */
function spectrumButterfly2(o) {
  return [
    ...loadPoint('a0', 'p0', o),
    ...loadPoint('a1', 'p0', o + ROW),
    set('sr', add(get('a0r'), get('a1r'))),
    set('si', add(get('a0i'), get('a1i'))),
    set('a1r', sub(get('a0r'), get('a1r'))),
    set('a1i', sub(get('a0i'), get('a1i'))),
    set('a0r', get('sr')),
    set('a0i', get('si')),
    ...multiplyBySpectrum('a0', 0),
    ...multiplyBySpectrum('a1', 1),
    ...storePoint('p0', o, add(get('a0r'), get('a1r')), add(get('a0i'), get('a1i'))),
    ...storePoint('p0', o + ROW, sub(get('a0r'), get('a1r')), sub(get('a0i'), get('a1i'))),
  ];
}

/** Row index of p0 in the only block of the first/last stage, as an i32 expression. */
const ROW_INDEX = `(i32.shr_u (i32.sub (local.get $p0) (local.get $s)) (i32.const ${Math.log2(ROW)}))`;
/** The first forward stage reads its two nonzero input rows straight from the source matrix. */
const FETCH_ROWS = `(call $loadRow (local.get $p0) ${ROW_INDEX})
            (call $loadRow (local.get $p1) (i32.add ${ROW_INDEX} (local.get $q)))`;
/** The last inverse stage writes its two output rows straight to the target matrix. */
const STORE_ROWS = `(call $storeRow (local.get $p0) ${ROW_INDEX})
            (call $storeRow (local.get $p1) (i32.add ${ROW_INDEX} (local.get $q)))`;

const VECTOR_LOCALS = [
  'w1r',
  'w1i',
  'w2r',
  'w2i',
  'w3r',
  'w3i',
  'a0r',
  'a0i',
  'a1r',
  'a1i',
  'a2r',
  'a2i',
  'a3r',
  'a3i',
  'sr',
  'si',
  'tr',
  'ti',
  'ur',
  'ui',
  'vr',
  'vi',
  'xr',
  'xi',
  'br',
  'bi',
  'er',
  'ei',
  'fr',
  'fi',
];

/**
 * One radix-4 stage over all blocks of 4q rows; `tw` points at the stage's (w, w², w³) table.
 * With `unit`, the stage q = 1, whose only twiddles are 1 (no table reads, no products).
 */
function radix4Stage(name, butterfly, unit = false, prologue = '', epilogue = '') {
  return `
  (func $${name} (param $base i32) (param $rows i32) (param $q i32) (param $tw i32)
    (local $qb i32) (local $s i32) (local $end i32) (local $p0 i32) (local $p1 i32) (local $p2 i32)
    (local $p3 i32) (local $rowEnd i32) (local $tp i32)
    ${VECTOR_LOCALS.map((n) => `(local $${n} v128)`).join(' ')}
    (local.set $qb (i32.mul (local.get $q) (i32.const ${ROW})))
    (local.set $end (i32.add (local.get $base) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (local.set $s (local.get $base))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $s) (local.get $end)))
        (local.set $tp (local.get $tw))
        (local.set $p0 (local.get $s))
        (local.set $rowEnd (i32.add (local.get $s) (local.get $qb)))
        (block $rows_done
          (loop $row
            (br_if $rows_done (i32.ge_u (local.get $p0) (local.get $rowEnd)))
            (local.set $p1 (i32.add (local.get $p0) (local.get $qb)))
            (local.set $p2 (i32.add (local.get $p1) (local.get $qb)))
            (local.set $p3 (i32.add (local.get $p2) (local.get $qb)))
            ${unit ? '' : ['w1r', 'w1i', 'w2r', 'w2i', 'w3r', 'w3i'].map((w, k) => set(w, splat('tp', 8 * k))).join('\n            ')}
            ${prologue}
            ${GROUPS.flatMap((o) => butterfly(o, unit)).join('\n            ')}
            ${epilogue}
            (local.set $tp (i32.add (local.get $tp) (i32.const ${TWIDDLE})))
            (local.set $p0 (i32.add (local.get $p0) (i32.const ${ROW})))
            (br $row)))
        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $qb) (i32.const 2))))
        (br $blocks))))`;
}

/** The radix-2 stage of span 1 (twiddle 1), its own inverse up to a factor 2. */
function radix2Stage() {
  const pair = (o) => [
    set('a0r', load('p0', o)),
    set('a1r', load('p0', o + ROW)),
    store('p0', o, add(get('a0r'), get('a1r'))),
    store('p0', o + ROW, sub(get('a0r'), get('a1r'))),
  ];
  const offsets = [...GROUPS, ...GROUPS.map((o) => o + IM)];
  return `
  (func $radix2 (param $base i32) (param $rows i32)
    (local $p0 i32) (local $end i32) (local $a0r v128) (local $a1r v128)
    (local.set $end (i32.add (local.get $base) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (local.set $p0 (local.get $base))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        ${offsets.flatMap(pair).join('\n        ')}
        (local.set $p0 (i32.add (local.get $p0) (i32.const ${2 * ROW})))
        (br $pairs))))`;
}

/** The same code on the row pointers b0 … b3 (the bottom half) instead of p0 … p3. */
const onBottomRows = (lines) => lines.map((line) => line.replace(/\$p([0-3])\b/g, '$$b$1'));

/** Sets x ← x·pre_k (conjugate: x·conj(pre_k)) for the entry (re, im as f64, splatted on load) at pointer e<k>. */
function preTwiddle(xr, xi, k, conjugate) {
  const [hr, hi] = [splat(`e${k}`, 0), splat(`e${k}`, 8)];
  return conjugate
    ? [
        set('xr', add(mul(get(xr), hr), mul(get(xi), hi))),
        set(xi, sub(mul(get(xi), hr), mul(get(xr), hi))),
        set(xr, get('xr')),
      ]
    : [
        set('xr', sub(mul(get(xr), hr), mul(get(xi), hi))),
        set(xi, add(mul(get(xr), hi), mul(get(xi), hr))),
        set(xr, get('xr')),
      ];
}

/**
 * The first pass of a zero-padded transform of odd log2 N (three radix-2 levels): with H = N/2
 * and Q = N/8, the level of span H maps input row m < H (rows ≥ H are zero) to rows m and
 * H + m (times W_N^m = pre[m]); then a radix-4 stage q = Q on each half. Rows are read from the
 * source (loadRow) into the top half.
 */
function oddFirstPass() {
  const rows = [0, 1, 2, 3];
  return `
  (func $forwardOddFirst (param $base i32) (param $rows i32) (param $q i32) (param $tw i32) (param $pre i32)
    ${ODD_PASS_LOCALS}
    ${ODD_PASS_SETUP}
        ${rows.map((k) => `(call $loadRow (local.get $p${k}) (i32.add (local.get $r) (i32.mul (local.get $q) (i32.const ${k}))))`).join('\n        ')}
        ${GROUPS.flatMap((o) =>
          rows.flatMap((k) => [
            ...loadPoint('a0', `p${k}`, o),
            ...preTwiddle('a0r', 'a0i', k, false),
            ...storePoint(`b${k}`, o, get('a0r'), get('a0i')),
          ]),
        ).join('\n        ')}
        ${GROUPS.flatMap((o) => forwardButterfly(o, false)).join('\n        ')}
        ${onBottomRows(GROUPS.flatMap((o) => forwardButterfly(o, false))).join('\n        ')}
    ${ODD_PASS_ADVANCE}`;
}

/**
 * The last pass of the inverse for odd log2 N, writing rows < H only: the inverse radix-4
 * stage q = Q on each half, then out[m] = top[m] + conj(pre[m])·bottom[m], stored to the
 * target (storeRow).
 */
function oddLastPass() {
  const rows = [0, 1, 2, 3];
  return `
  (func $inverseOddLast (param $base i32) (param $rows i32) (param $q i32) (param $tw i32) (param $pre i32)
    ${ODD_PASS_LOCALS}
    ${ODD_PASS_SETUP}
        ${GROUPS.flatMap((o) => inverseButterfly(o, false)).join('\n        ')}
        ${onBottomRows(GROUPS.flatMap((o) => inverseButterfly(o, false))).join('\n        ')}
        ${GROUPS.flatMap((o) =>
          rows.flatMap((k) => [
            ...loadPoint('a0', `b${k}`, o),
            ...preTwiddle('a0r', 'a0i', k, true),
            ...storePoint(
              `p${k}`,
              o,
              add(load(`p${k}`, o), get('a0r')),
              add(load(`p${k}`, o + IM), get('a0i')),
            ),
          ]),
        ).join('\n        ')}
        ${rows.map((k) => `(call $storeRow (local.get $p${k}) (i32.add (local.get $r) (i32.mul (local.get $q) (i32.const ${k}))))`).join('\n        ')}
    ${ODD_PASS_ADVANCE}`;
}

const ODD_PASS_LOCALS = `(local $half i32) (local $qb i32) (local $rowEnd i32) (local $tp i32) (local $r i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32)
    ${VECTOR_LOCALS.map((n) => `(local $${n} v128)`).join(' ')}`;

const ODD_PASS_SETUP = `(local.set $half (i32.mul (i32.shr_u (local.get $rows) (i32.const 1)) (i32.const ${ROW})))
    (local.set $qb (i32.mul (local.get $q) (i32.const ${ROW})))
    (local.set $p0 (local.get $base))
    (local.set $rowEnd (i32.add (local.get $base) (local.get $qb)))
    (local.set $tp (local.get $tw))
    (local.set $e0 (local.get $pre))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $p0) (local.get $rowEnd)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $qb)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $qb)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $qb)))
        (local.set $b0 (i32.add (local.get $p0) (local.get $half)))
        (local.set $b1 (i32.add (local.get $p1) (local.get $half)))
        (local.set $b2 (i32.add (local.get $p2) (local.get $half)))
        (local.set $b3 (i32.add (local.get $p3) (local.get $half)))
        (local.set $e1 (i32.add (local.get $e0) (i32.shl (local.get $q) (i32.const 4))))
        (local.set $e2 (i32.add (local.get $e1) (i32.shl (local.get $q) (i32.const 4))))
        (local.set $e3 (i32.add (local.get $e2) (i32.shl (local.get $q) (i32.const 4))))
        ${['w1r', 'w1i', 'w2r', 'w2i', 'w3r', 'w3i'].map((w, k) => set(w, splat('tp', 8 * k))).join('\n        ')}`;

const ODD_PASS_ADVANCE = `    (local.set $tp (i32.add (local.get $tp) (i32.const ${TWIDDLE})))
        (local.set $e0 (i32.add (local.get $e0) (i32.const 16)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const ${ROW})))
        (br $row))))`;

/** Text of fft-f64.wat. */
export function fftF64Wat() {
  return `;; Generated by scripts/fft-wat.mjs (run scripts/build-wasm.mjs); do not edit.
;;
;; Batched complex FFTs in float64 (f64x2 SIMD) over the rows of a batch: row r (${ROW} bytes) holds
;; point r of ${LANES} complex sequences, real parts at bytes 0..${IM - 1} and imaginary parts at ${IM}..${ROW - 1},
;; so every butterfly runs on whole rows with one twiddle. A cpu Toeplitz kernel packs ${COLUMNS} real
;; columns of a d × n matrix into one batch (column c0+k in the real part of lane k, column
;; c0+${LANES}+k in its imaginary part: the row is the ${COLUMNS} columns as they lie in memory),
;; zero-padded to N = rows ≥ 2d rows.
;;
;; Transforms: decimation in frequency forward (natural order in, bit-reversed order out) and
;; decimation in time inverse (bit-reversed in, natural out, unnormalised: N·x), so no bit
;; reversal is ever done; the spectrum of the Toeplitz coefficients is computed by the same
;; forward transform and so lies in the same order. Radix-4 stages (q = N/4, N/16, … forward,
;; the reverse inverse) plus one radix-2 stage when log2 N is odd; the stage q = 1 has no
;; twiddles. The twiddle table holds, for every radix-4 stage q in ascending order starting at b
;; (1 if log2 N is even, else 2), q entries (w, w², w³) with w = exp(−2πi·j/(4q)), j < q, as
;; re(w), im(w), re(w²), … as f64 (${TWIDDLE} bytes), each splatted to an f64x2 on load; the table of stage q
;; starts at tw + ${TWIDDLE}·(q − b)/3.
;;
;; convolve / powerSpectrum / transform (N > block rows): cache-blocked. The first pass reads
;; the source rows and skips the zero half of the padded input (even log2 N: a radix-4 stage
;; with two zero inputs; odd: the level of span N/2 plus a radix-4 stage on each half, using
;; the table of N/2 (tw1) and W_N^m (pre), so no radix-2 stage remains); stages whose blocks
;; exceed \`block\` rows run over the whole batch; the rest, block by block in L1 cache (for
;; convolve: forward, product with the spectrum fused with the innermost stages, inverse);
;; convolve's last pass computes only the rows < N/2 and writes them to the target.
(module
  (memory (export "memory") 1)
${radix4Stage('forward4', forwardButterfly)}
${radix4Stage('inverse4', inverseButterfly)}
${radix4Stage('forward4Unit', forwardButterfly, true)}
${radix4Stage('inverse4Unit', inverseButterfly, true)}
${radix4Stage('forward4First', forwardFirstButterfly, false, FETCH_ROWS)}
${radix4Stage('inverse4Last', inverseLastButterfly, false, '', STORE_ROWS)}
${oddFirstPass()}
${oddLastPass()}
${radix2Stage()}

  ;; Address of the twiddle table of radix-4 stage q (b: the smallest stage q of the transform).
  (func $table (param $tw i32) (param $b i32) (param $q i32) (result i32)
    (i32.add (local.get $tw)
      (i32.mul (i32.div_u (i32.sub (local.get $q) (local.get $b)) (i32.const 3)) (i32.const ${TWIDDLE}))))

  ;; Forward stages q = qStart, qStart/4, … ≥ qStop over rows at base (blocks of 4q rows each).
  (func $forwardStages (param $base i32) (param $rows i32) (param $tw i32) (param $b i32)
    (param $q i32) (param $qStop i32)
    (block $done
      (loop $stages
        (br_if $done (i32.lt_u (local.get $q) (local.get $qStop)))
        (if (i32.eq (local.get $q) (i32.const 1))
          (then (call $forward4Unit (local.get $base) (local.get $rows) (i32.const 1) (i32.const 0)))
          (else (call $forward4 (local.get $base) (local.get $rows) (local.get $q)
            (call $table (local.get $tw) (local.get $b) (local.get $q)))))
        (local.set $q (i32.shr_u (local.get $q) (i32.const 2)))
        (br $stages))))

  ;; Inverse stages q = qStart, 4·qStart, … ≤ qStop.
  (func $inverseStages (param $base i32) (param $rows i32) (param $tw i32) (param $b i32)
    (param $q i32) (param $qStop i32)
    (block $done
      (loop $stages
        (br_if $done (i32.gt_u (local.get $q) (local.get $qStop)))
        (if (i32.eq (local.get $q) (i32.const 1))
          (then (call $inverse4Unit (local.get $base) (local.get $rows) (i32.const 1) (i32.const 0)))
          (else (call $inverse4 (local.get $base) (local.get $rows) (local.get $q)
            (call $table (local.get $tw) (local.get $b) (local.get $q)))))
        (local.set $q (i32.shl (local.get $q) (i32.const 2)))
        (br $stages))))

  ;; The complete forward transform of the batch (natural order in, bit-reversed out).
  (func (export "forward") (param $base i32) (param $rows i32) (param $tw i32)
    (local $odd i32) (local $b i32)
    (local.set $odd (i32.and (i32.ctz (local.get $rows)) (i32.const 1)))
    (local.set $b (i32.add (local.get $odd) (i32.const 1)))
    (call $forwardStages (local.get $base) (local.get $rows) (local.get $tw) (local.get $b)
      (i32.shr_u (local.get $rows) (i32.const 2)) (local.get $b))
    (if (local.get $odd) (then (call $radix2 (local.get $base) (local.get $rows)))))

  ;; The cache-blocked driver of convolve (mode 0), powerSpectrum (mode 1) and transform (mode 2). Stages whose
  ;; blocks (4q rows) exceed \`block\` rows run over the whole batch, the first of them on a
  ;; zero-padded input (rows ≥ rows/2 are zero). Then, block by block of \`block\` rows (in
  ;; L1 cache), the remaining forward stages and either (mode 0) the product with the spectrum
  ;; h and the inverse stages up to the same size, or (mode 1) the power accumulation. Mode 0
  ;; ends with the large inverse stages. The batch is read from the source (setSource) and mode
  ;; 0 writes rows < d to the target (setTarget); for rows > block the first stage reads the
  ;; source (its input rows ≥ rows/2 are zero, which needs rows ≥ 2d) and the last stage writes
  ;; the target directly (rows < rows/2 only).
  (func $blocked (param $base i32) (param $rows i32) (param $tw i32) (param $tw1 i32) (param $pre i32)
    (param $target i32) (param $block i32) (param $mode i32)
    (local $odd i32) (local $b i32) (local $q i32) (local $top i32) (local $qSmall i32) (local $p i32)
    (local $end i32) (local $t i32) (local $fused i32) (local $oddFused i32)
    (local.set $odd (i32.and (i32.ctz (local.get $rows)) (i32.const 1)))
    (if (i32.gt_u (local.get $block) (local.get $rows)) (then (local.set $block (local.get $rows))))
    (local.set $fused (i32.gt_u (local.get $rows) (local.get $block)))
    (local.set $oddFused (i32.and (local.get $odd) (local.get $fused)))
    (if (local.get $fused)
      (then
        (local.set $b (i32.const 1))
        (if (local.get $odd)
          (then
            ;; Odd: three levels in the first pass, then radix-4 stages with the table of N/2.
            (local.set $tw (local.get $tw1))
            (local.set $odd (i32.const 0))
            (local.set $top (i32.shr_u (local.get $rows) (i32.const 3)))
            (call $forwardOddFirst (local.get $base) (local.get $rows) (local.get $top)
              (call $table (local.get $tw) (i32.const 1) (local.get $top)) (local.get $pre)))
          (else
            (local.set $top (i32.shr_u (local.get $rows) (i32.const 2)))
            (call $forward4First (local.get $base) (local.get $rows) (local.get $top)
              (call $table (local.get $tw) (i32.const 1) (local.get $top)))))
        (local.set $q (i32.shr_u (local.get $top) (i32.const 2))))
      (else
        (local.set $b (i32.add (local.get $odd) (i32.const 1)))
        (call $loadColumns (local.get $base) (local.get $rows))
        (local.set $q (i32.shr_u (local.get $rows) (i32.const 2)))))
    (block $big_done
      (loop $big
        (br_if $big_done (i32.le_u (local.get $q) (i32.shr_u (local.get $block) (i32.const 2))))
        (br_if $big_done (i32.lt_u (local.get $q) (local.get $b)))
        (call $forward4 (local.get $base) (local.get $rows) (local.get $q)
          (call $table (local.get $tw) (local.get $b) (local.get $q)))
        (local.set $q (i32.shr_u (local.get $q) (i32.const 2)))
        (br $big)))
    (local.set $qSmall (local.get $q))
    (local.set $p (local.get $base))
    (local.set $t (local.get $target))
    (local.set $end (i32.add (local.get $base) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_u (local.get $p) (local.get $end)))
        (if (local.get $mode)
          (then
            (call $forwardStages (local.get $p) (local.get $block) (local.get $tw) (local.get $b)
              (local.get $qSmall) (local.get $b))
            (if (local.get $odd) (then (call $radix2 (local.get $p) (local.get $block))))
            (if (i32.eq (local.get $mode) (i32.const 1))
              (then
                (call $accumulatePower (local.get $p) (local.get $block) (local.get $t))
                (local.set $t (i32.add (local.get $t) (i32.mul (local.get $block) (i32.const 8)))))))
          (else
            ;; Stages down to q = 4 (even) or 2 (odd); the rest is fused with the product.
            (call $forwardStages (local.get $p) (local.get $block) (local.get $tw) (local.get $b)
              (local.get $qSmall) (i32.sub (i32.const 4) (i32.shl (local.get $odd) (i32.const 1))))
            (if (local.get $odd)
              (then (call $spectrumPass2 (local.get $p) (local.get $block) (local.get $t)))
              (else (call $spectrumPass4 (local.get $p) (local.get $block) (local.get $t))))
            (local.set $t (i32.add (local.get $t) (i32.mul (local.get $block) (i32.const 16))))
            (call $inverseStages (local.get $p) (local.get $block) (local.get $tw) (local.get $b)
              (i32.sub (i32.const 4) (i32.shl (local.get $odd) (i32.const 1))) (local.get $qSmall))))
        (local.set $p (i32.add (local.get $p) (i32.mul (local.get $block) (i32.const ${ROW}))))
        (br $blocks)))
    (if (i32.eqz (local.get $mode))
      (then
        (if (local.get $fused)
          (then
            (call $inverseStages (local.get $base) (local.get $rows) (local.get $tw) (local.get $b)
              (i32.shl (local.get $qSmall) (i32.const 2)) (i32.shr_u (local.get $top) (i32.const 2)))
            (if (local.get $oddFused)
              (then
                (call $inverseOddLast (local.get $base) (local.get $rows) (local.get $top)
                  (call $table (local.get $tw) (i32.const 1) (local.get $top)) (local.get $pre)))
              (else
                (call $inverse4Last (local.get $base) (local.get $rows) (local.get $top)
                  (call $table (local.get $tw) (i32.const 1) (local.get $top))))))
          (else (call $storeColumns (local.get $base)))))))

  ;; The forward transform (bit-reversed order) of the source, zero-padded to rows ≥ 2d, left in
  ;; the batch.
  (func (export "transform") (param $base i32) (param $rows i32) (param $tw i32) (param $tw1 i32)
    (param $pre i32) (param $block i32)
    (call $blocked (local.get $base) (local.get $rows) (local.get $tw) (local.get $tw1) (local.get $pre)
      (i32.const 0) (local.get $block) (i32.const 2)))

  ;; Target ← scale · (circular convolution of every source lane, zero-padded to rows ≥ 2d, with
  ;; the sequence of spectrum h: rows × (re, im) f64 in bit-reversed order), unnormalised.
  (func (export "convolve") (param $base i32) (param $rows i32) (param $tw i32) (param $tw1 i32)
    (param $pre i32) (param $h i32) (param $block i32)
    (call $blocked (local.get $base) (local.get $rows) (local.get $tw) (local.get $tw1) (local.get $pre)
      (local.get $h) (local.get $block) (i32.const 0)))

  ;; power[r] += Σ over the lanes of |Z_r|² with Z the forward transform (bit-reversed order) of
  ;; the source, zero-padded to rows ≥ 2d.
  (func (export "powerSpectrum") (param $base i32) (param $rows i32) (param $tw i32) (param $tw1 i32)
    (param $pre i32) (param $power i32) (param $block i32)
    (call $blocked (local.get $base) (local.get $rows) (local.get $tw) (local.get $tw1) (local.get $pre)
      (local.get $power) (local.get $block) (i32.const 1)))

  ;; The innermost stages of convolve fused with the product by the spectrum, 4 rows at a time
  ;; (even log2 N: forward stage q = 1, product, inverse stage q = 1) or 2 rows at a time (odd:
  ;; the radix-2 stages). h: per row (re, im) f64, bit-reversed order, like the batch.
  (func $spectrumPass4 (param $p0 i32) (param $rows i32) (param $h i32)
    (local $end i32) ${VECTOR_LOCALS.map((n) => `(local $${n} v128)`).join(' ')}
    (local.set $end (i32.add (local.get $p0) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (block $done
      (loop $rows4
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        ${GROUPS.flatMap(spectrumButterfly4).join('\n        ')}
        (local.set $h (i32.add (local.get $h) (i32.const 64)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const ${4 * ROW})))
        (br $rows4))))

  (func $spectrumPass2 (param $p0 i32) (param $rows i32) (param $h i32)
    (local $end i32) ${VECTOR_LOCALS.map((n) => `(local $${n} v128)`).join(' ')}
    (local.set $end (i32.add (local.get $p0) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (block $done
      (loop $rows2
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        ${GROUPS.flatMap(spectrumButterfly2).join('\n        ')}
        (local.set $h (i32.add (local.get $h) (i32.const 32)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const ${2 * ROW})))
        (br $rows2))))

  ;; power[r] += Σ over the lanes of |z_r|² (power: rows f64, the batch's bit-reversed order).
  (func $accumulatePower (param $base i32) (param $rows i32) (param $power i32)
    (local $p0 i32) (local $end i32) (local $xr v128) (local $xi v128)
    (local.set $end (i32.add (local.get $base) (i32.mul (local.get $rows) (i32.const ${ROW}))))
    (local.set $p0 (local.get $base))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        (local.set $xr ${GROUPS.flatMap((o) => [o, o + IM])
          .map((o) => `(f64x2.mul ${load('p0', o)} ${load('p0', o)})`)
          .reduce((sum, term) => `(f64x2.add ${sum} ${term})`)})
        (f64.store (local.get $power) (f64.add (f64.load (local.get $power))
          (f64.add (f64x2.extract_lane 0 (local.get $xr)) (f64x2.extract_lane 1 (local.get $xr)))))
        (local.set $power (i32.add (local.get $power) (i32.const 8)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const ${ROW})))
        (br $row))))

  ;; The source of loadRow: columns c0 … c0+${COLUMNS - 1} of the d × cols matrix at src (row stride
  ;; ld elements, f32 or f64), batch row r holding source row r (d−1−r if reverse), missing
  ;; columns and rows r ≥ d as 0. The target of storeRow: the d × cols matrix at dst (row
  ;; stride ldDst, f32 or f64), every value times scale.
  (global $src (mut i32) (i32.const 0))
  (global $ld (mut i32) (i32.const 0))
  (global $d (mut i32) (i32.const 0))
  (global $c0 (mut i32) (i32.const 0))
  (global $cols (mut i32) (i32.const 0))
  (global $f32 (mut i32) (i32.const 0))
  (global $reverse (mut i32) (i32.const 0))
  (global $dst (mut i32) (i32.const 0))
  (global $ldDst (mut i32) (i32.const 0))
  (global $f32Dst (mut i32) (i32.const 0))
  (global $scale (mut f64) (f64.const 1))

  (func (export "setSource") (param $src i32) (param $ld i32) (param $d i32) (param $c0 i32)
    (param $cols i32) (param $f32 i32) (param $reverse i32)
    (global.set $src (local.get $src)) (global.set $ld (local.get $ld)) (global.set $d (local.get $d))
    (global.set $c0 (local.get $c0)) (global.set $cols (local.get $cols)) (global.set $f32 (local.get $f32))
    (global.set $reverse (local.get $reverse)))

  (func (export "setTarget") (param $dst i32) (param $ld i32) (param $f32 i32) (param $scale f64)
    (global.set $dst (local.get $dst)) (global.set $ldDst (local.get $ld))
    (global.set $f32Dst (local.get $f32)) (global.set $scale (local.get $scale)))

  ;; Element index of the first column of the source/target row holding batch row r (r < d).
  (func $rowStart (param $r i32) (param $ld i32) (result i32)
    (i32.add (global.get $c0) (i32.mul (local.get $ld)
      (if (result i32) (global.get $reverse)
        (then (i32.sub (i32.sub (global.get $d) (i32.const 1)) (local.get $r)))
        (else (local.get $r))))))

  ;; Batch row r (at p) from the source.
  (func $loadRow (param $p0 i32) (param $r i32)
    (local $a i32) (local $k i32) (local $v f64)
    (if (i32.ge_u (local.get $r) (global.get $d))
      (then
        ${Array.from({ length: LANES }, (_, g) => `(v128.store offset=${16 * g} (local.get $p0) (v128.const i64x2 0 0))`).join('\n        ')}
        (return)))
    (local.set $a (call $rowStart (local.get $r) (global.get $ld)))
    (if (i32.le_u (i32.add (global.get $c0) (i32.const ${COLUMNS})) (global.get $cols))
      (then
        (if (global.get $f32)
          (then
            (local.set $a (i32.add (global.get $src) (i32.shl (local.get $a) (i32.const 2))))
            ${Array.from({ length: LANES }, (_, g) => `(v128.store offset=${16 * g} (local.get $p0) (f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * g} (local.get $a))))`).join('\n            ')})
          (else
            (local.set $a (i32.add (global.get $src) (i32.shl (local.get $a) (i32.const 3))))
            ${Array.from({ length: LANES }, (_, g) => `(v128.store offset=${16 * g} (local.get $p0) (v128.load offset=${16 * g} (local.get $a)))`).join('\n            ')})))
      (else
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $column
            (br_if $k_done (i32.ge_u (local.get $k) (i32.const ${COLUMNS})))
            (local.set $v (f64.const 0))
            (if (i32.lt_u (i32.add (global.get $c0) (local.get $k)) (global.get $cols))
              (then
                (local.set $v
                  (if (result f64) (global.get $f32)
                    (then (f64.promote_f32 (f32.load (i32.add (global.get $src)
                      (i32.shl (i32.add (local.get $a) (local.get $k)) (i32.const 2))))))
                    (else (f64.load (i32.add (global.get $src)
                      (i32.shl (i32.add (local.get $a) (local.get $k)) (i32.const 3)))))))))
            (f64.store (i32.add (local.get $p0) (i32.shl (local.get $k) (i32.const 3))) (local.get $v))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $column))))))

  ;; Batch row r (at p) times scale into the target (rows r ≥ d are dropped).
  (func $storeRow (param $p0 i32) (param $r i32)
    (local $a i32) (local $k i32) (local $s v128) (local $v f64)
    (if (i32.ge_u (local.get $r) (global.get $d)) (then (return)))
    (local.set $s (f64x2.splat (global.get $scale)))
    (local.set $a (call $rowStart (local.get $r) (global.get $ldDst)))
    (if (i32.le_u (i32.add (global.get $c0) (i32.const ${COLUMNS})) (global.get $cols))
      (then
        (if (global.get $f32Dst)
          (then
            (local.set $a (i32.add (global.get $dst) (i32.shl (local.get $a) (i32.const 2))))
            ${Array.from({ length: LANES }, (_, g) => `(v128.store64_lane offset=${8 * g} 0 (local.get $a) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $s) (v128.load offset=${16 * g} (local.get $p0)))))`).join('\n            ')})
          (else
            (local.set $a (i32.add (global.get $dst) (i32.shl (local.get $a) (i32.const 3))))
            ${Array.from({ length: LANES }, (_, g) => `(v128.store offset=${16 * g} (local.get $a) (f64x2.mul (local.get $s) (v128.load offset=${16 * g} (local.get $p0))))`).join('\n            ')})))
      (else
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $column
            (br_if $k_done (i32.ge_u (i32.add (global.get $c0) (local.get $k)) (global.get $cols)))
            (br_if $k_done (i32.ge_u (local.get $k) (i32.const ${COLUMNS})))
            (local.set $v (f64.mul (global.get $scale)
              (f64.load (i32.add (local.get $p0) (i32.shl (local.get $k) (i32.const 3))))))
            (if (global.get $f32Dst)
              (then (f32.store (i32.add (global.get $dst)
                (i32.shl (i32.add (local.get $a) (local.get $k)) (i32.const 2))) (f32.demote_f64 (local.get $v))))
              (else (f64.store (i32.add (global.get $dst)
                (i32.shl (i32.add (local.get $a) (local.get $k)) (i32.const 3))) (local.get $v))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $column))))))

  ;; Panels: the d × cols matrix at \`matrix\` (row stride ld elements of \`bytes\` = 4 or 8 bytes)
  ;; as ceil(cols/${COLUMNS}) panels of d × ${COLUMNS} at \`panels\`, panel p holding columns ${COLUMNS}p … ${COLUMNS}p+${COLUMNS - 1}
  ;; contiguously (row stride ${COLUMNS}; a last partial panel's missing columns are left as they are).
  ;; A batch then reads and writes one contiguous region instead of a ${COLUMNS}-column strip of
  ;; every row: far fewer pages (TLB entries) and prefetchable streams. toPanels copies the
  ;; matrix into panels, fromPanels back; both walk the matrix row by row. O(d·cols).
  (func $panelCopy (param $matrix i32) (param $ld i32) (param $d i32) (param $cols i32) (param $bytes i32)
    (param $panels i32) (param $toPanels i32)
    (local $i i32) (local $c0 i32) (local $m i32) (local $p i32) (local $count i32) (local $k i32)
    (local $panelBytes i32)
    (local.set $panelBytes (i32.mul (i32.mul (local.get $d) (i32.const ${COLUMNS})) (local.get $bytes)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $d)))
        (local.set $m (i32.add (local.get $matrix) (i32.mul (i32.mul (local.get $i) (local.get $ld)) (local.get $bytes))))
        (local.set $p (i32.add (local.get $panels) (i32.mul (i32.mul (local.get $i) (i32.const ${COLUMNS})) (local.get $bytes))))
        (local.set $c0 (i32.const 0))
        (block $panels_done
          (loop $panel
            (br_if $panels_done (i32.ge_u (local.get $c0) (local.get $cols)))
            (local.set $count (i32.sub (local.get $cols) (local.get $c0)))
            (if (i32.ge_u (local.get $count) (i32.const ${COLUMNS}))
              (then
                (if (local.get $toPanels)
                  (then
                    ${Array.from({ length: 4 }, (_, g) => `(v128.store offset=${16 * g} (local.get $p) (v128.load offset=${16 * g} (local.get $m)))`).join('\n                    ')}
                    (if (i32.eq (local.get $bytes) (i32.const 8))
                      (then
                        ${Array.from({ length: 4 }, (_, g) => `(v128.store offset=${64 + 16 * g} (local.get $p) (v128.load offset=${64 + 16 * g} (local.get $m)))`).join('\n                        ')})))
                  (else
                    ${Array.from({ length: 4 }, (_, g) => `(v128.store offset=${16 * g} (local.get $m) (v128.load offset=${16 * g} (local.get $p)))`).join('\n                    ')}
                    (if (i32.eq (local.get $bytes) (i32.const 8))
                      (then
                        ${Array.from({ length: 4 }, (_, g) => `(v128.store offset=${64 + 16 * g} (local.get $m) (v128.load offset=${64 + 16 * g} (local.get $p)))`).join('\n                        ')})))))
              (else
                ;; A partial panel: its columns 4 bytes at a time.
                (local.set $k (i32.const 0))
                (local.set $count (i32.mul (local.get $count) (local.get $bytes)))
                (block $k_done
                  (loop $word
                    (br_if $k_done (i32.ge_u (local.get $k) (local.get $count)))
                    (if (local.get $toPanels)
                      (then (i32.store (i32.add (local.get $p) (local.get $k)) (i32.load (i32.add (local.get $m) (local.get $k)))))
                      (else (i32.store (i32.add (local.get $m) (local.get $k)) (i32.load (i32.add (local.get $p) (local.get $k))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 4)))
                    (br $word)))))
            (local.set $c0 (i32.add (local.get $c0) (i32.const ${COLUMNS})))
            (local.set $m (i32.add (local.get $m) (i32.mul (i32.const ${COLUMNS}) (local.get $bytes))))
            (local.set $p (i32.add (local.get $p) (local.get $panelBytes)))
            (br $panel)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  (func (export "toPanels") (param $matrix i32) (param $ld i32) (param $d i32) (param $cols i32)
    (param $bytes i32) (param $panels i32)
    (call $panelCopy (local.get $matrix) (local.get $ld) (local.get $d) (local.get $cols) (local.get $bytes)
      (local.get $panels) (i32.const 1)))

  (func (export "fromPanels") (param $matrix i32) (param $ld i32) (param $d i32) (param $cols i32)
    (param $bytes i32) (param $panels i32)
    (call $panelCopy (local.get $matrix) (local.get $ld) (local.get $d) (local.get $cols) (local.get $bytes)
      (local.get $panels) (i32.const 0)))

  ;; All rows of the batch from the source (see setSource).
  (func $loadColumns (export "loadColumns") (param $base i32) (param $rows i32)
    (local $r i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $loadRow (i32.add (local.get $base) (i32.mul (local.get $r) (i32.const ${ROW}))) (local.get $r))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Rows 0 … d−1 of the batch into the target (see setTarget).
  (func $storeColumns (param $base i32)
    (local $r i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (global.get $d)))
        (call $storeRow (i32.add (local.get $base) (i32.mul (local.get $r) (i32.const ${ROW}))) (local.get $r))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))))
`;
}
