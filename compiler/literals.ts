// Number literal scanning and exact conversion. Smalltalk number syntax is
//   [-] digits [r [-] radixDigits] [. radixDigits] [(e|d|q) [+|-] digits] [s [digits]]
// with radix digits 0-9 and A-Z. Values are computed exactly with bigints and only
// rounded once at the end, so every float literal is the correctly rounded double.

import type { Literal } from '../vm/method-spec.ts';

/**
 * The outcome of scanning one number. One shape for success and failure: `literal` is
 * null on failure, then `reason` and `errorOffset` say what is wrong and where.
 */
export interface NumberScan {
  end: number;
  literal: Literal | null;
  reason: string;
  errorOffset: number;
}

/** Exponents beyond this are refused where they would build huge exact integers. */
const MAX_EXACT_EXPONENT = 10000;

/** Value of a radix digit character code (0-9, A-Z), or -1. */
export function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

function isDecimal(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Letters, digits and `_`: the characters that would continue an identifier. */
export function isIdentifierPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || (c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c)));
}

function fail(reason: string, offset: number, end: number): NumberScan {
  return { end, literal: null, reason, errorOffset: offset };
}

function parseDigits(digits: string, radix: number): bigint {
  if (radix === 10) return BigInt(digits);
  if (radix === 16) return BigInt('0x' + digits);
  if (radix === 2) return BigInt('0b' + digits);
  if (radix === 8) return BigInt('0o' + digits);
  const r = BigInt(radix);
  let value = 0n;
  for (let i = 0; i < digits.length; i++) value = value * r + BigInt(digitValue(digits.charCodeAt(i)));
  return value;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * The double nearest to n/d (n >= 0, d > 0), ties to even. The quotient is taken with
 * at least 66 significant bits plus a sticky bit for any remainder, so the single
 * rounding done by Number(bigint) is the correct one; scaling by a power of two is exact
 * except in the subnormal range.
 */
export function ratioToFloat(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  const shift = 66 - (bitLength(n) - bitLength(d));
  let q: bigint;
  let r: bigint;
  if (shift >= 0) {
    const scaled = n << BigInt(shift);
    q = scaled / d;
    r = scaled % d;
  } else {
    const scaled = d << BigInt(-shift);
    q = n / scaled;
    r = n % scaled;
  }
  if (r !== 0n) q |= 1n;
  let result = Number(q);
  let e = -shift;
  while (e < -1000) { result *= 2 ** -1000; e += 1000; }
  while (e > 1000) { result *= 2 ** 1000; e -= 1000; }
  return result * 2 ** e;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * Scan the number whose first decimal digit is at `start` (the caller has already
 * consumed a leading `-` and says so with `negative`).
 */
export function scanNumber(src: string, start: number, negative: boolean): NumberScan {
  const len = src.length;
  let p = start;
  while (p < len && isDecimal(src.charCodeAt(p))) p++;
  let radix = 10;
  let intDigits = src.slice(start, p);
  let neg = negative;

  if (src.charCodeAt(p) === 114 /* r */) {
    const radixValue = Number(intDigits);
    if (!(radixValue >= 2 && radixValue <= 36)) {
      return fail(`invalid radix ${BigInt(intDigits)}`, negative ? start - 1 : start, p + 1);
    }
    radix = radixValue;
    p++;
    if (src.charCodeAt(p) === 45 /* - */ && digitValue(src.charCodeAt(p + 1)) >= 0) {
      neg = !neg;
      p++;
    }
    const digitsStart = p;
    while (p < len) {
      const v = digitValue(src.charCodeAt(p));
      if (v < 0) break;
      if (v >= radix) return fail(`digit ${src[p]} is not valid in radix ${radix}`, p, p + 1);
      p++;
    }
    if (p === digitsStart) {
      const c = src.charCodeAt(p);
      const hint = c >= 97 && c <= 122 ? ' (radix digits are 0-9 and uppercase A-Z)' : '';
      return fail(`expected a digit after ${radix}r${hint}`, p, p);
    }
    intDigits = src.slice(digitsStart, p);
  }

  let fracDigits = '';
  const afterPoint = src.charCodeAt(p + 1);
  if (src.charCodeAt(p) === 46 /* . */ && (isDecimal(afterPoint) || (radix > 10 && digitValue(afterPoint) >= 0))) {
    p++;
    const fracStart = p;
    while (p < len) {
      const v = digitValue(src.charCodeAt(p));
      if (v < 0 || (v >= 10 && radix <= 10)) break;
      if (v >= radix) return fail(`digit ${src[p]} is not valid in radix ${radix}`, p, p + 1);
      p++;
    }
    fracDigits = src.slice(fracStart, p);
  }
  const isFloat = fracDigits.length > 0;

  let exponent = 0;
  let exponentOffset = -1;
  const ec = src.charCodeAt(p);
  if (ec === 101 /* e */ || ec === 100 /* d */ || ec === 113 /* q */) {
    let q = p + 1;
    const sign = src.charCodeAt(q);
    if (sign === 45 || sign === 43) q++;
    if (isDecimal(src.charCodeAt(q))) {
      exponentOffset = p;
      const expStart = q;
      while (q < len && isDecimal(src.charCodeAt(q))) q++;
      const magnitude = Number(src.slice(expStart, q));
      exponent = sign === 45 ? -magnitude : magnitude;
      p = q;
    }
  }

  let scale = -1;
  if (src.charCodeAt(p) === 115 /* s */) {
    const next = src.charCodeAt(p + 1);
    if (isDecimal(next)) {
      let q = p + 1;
      while (q < len && isDecimal(src.charCodeAt(q))) q++;
      scale = Number(src.slice(p + 1, q));
      p = q;
    } else if (!isIdentifierPart(next) && next !== 58 /* : */) {
      scale = fracDigits.length;
      p++;
    }
  }

  const decimalFloat = isFloat && radix === 10 && scale < 0;
  if (!decimalFloat && exponentOffset >= 0 && Math.abs(exponent) > MAX_EXACT_EXPONENT) {
    return fail('exponent too large', exponentOffset, p);
  }

  let literal: Literal;
  if (decimalFloat) {
    // JS number parsing is correctly rounded; only the decimal text needs normalizing.
    const value = Number(`${intDigits}.${fracDigits}e${exponent}`);
    literal = { kind: 'float', value: neg ? -value : value };
  } else {
    const mantissa = parseDigits(intDigits + fracDigits, radix);
    const r = BigInt(radix);
    const power = exponent - fracDigits.length;
    let num = power > 0 ? mantissa * r ** BigInt(power) : mantissa;
    let den = power < 0 ? r ** BigInt(-power) : 1n;
    if (scale >= 0) {
      const g = gcd(num, den);
      if (g > 1n) { num /= g; den /= g; }
      literal = { kind: 'scaled', numerator: neg ? -num : num, denominator: den, scale };
    } else if (den === 1n && !isFloat) {
      literal = { kind: 'integer', value: neg ? -num : num };
    } else {
      // A float in another radix, or an integer with a negative exponent (a Fraction in
      // Pharo; Literal has no fraction kind, so it becomes the nearest float).
      const value = ratioToFloat(num, den);
      literal = { kind: 'float', value: neg ? -value : value };
    }
  }
  return { end: p, literal, reason: '', errorOffset: -1 };
}
