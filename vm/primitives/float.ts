// Float primitives (Squeak numbering 41-59): IEEE double arithmetic on a Float receiver and
// a Float or integer argument; 50 (/) fails on a zero divisor so the fallback signals
// ZeroDivide. Printing answers the shortest string that reads back to the same Float, in
// Pharo's format: fixed notation for exponents -4..15 ('0.1', '100.0'), else '1.0e100';
// 'Float infinity', 'Float negativeInfinity', 'Float nan' for the special values.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { isFloat, newFloat, newInteger } from '../objects.ts';
import { Format } from '../layout.ts';
import { ClassIndex } from '../special.ts';
import { arg, numberOf, receiver, smallOf, stringOf, stringResult } from './support.ts';

function floatRcvr(s: VMState, argc: number): number | null {
  const r = receiver(s, argc);
  return (r & 3) === 0 && isFloat(s.heap, r) ? s.heap.floatValue(r) : null;
}

/**
 * Arithmetic and comparison with a Float or integer argument. Comparisons fail for a
 * LargeInteger argument: converting it to a double could round, and the fallback compares
 * exactly.
 */
function arith(op: (a: number, b: number) => number | boolean | null, exactCompare = false): PrimFn {
  return (s, argc) => {
    const a = floatRcvr(s, argc);
    const argOop = arg(s, argc, 0);
    if (exactCompare && (argOop & 3) === 0 && !isFloat(s.heap, argOop)) return PRIM_FAIL;
    const b = numberOf(s, argOop);
    if (a === null || b === null) return PRIM_FAIL;
    const r = op(a, b);
    if (r === null) return PRIM_FAIL;
    return typeof r === 'boolean' ? s.bool(r) : newFloat(s.heap, r);
  };
}

function unary(op: (a: number) => number | null): PrimFn {
  return (s, argc) => {
    const a = floatRcvr(s, argc);
    if (a === null) return PRIM_FAIL;
    const r = op(a);
    return r === null ? PRIM_FAIL : newFloat(s.heap, r);
  };
}

const scratch = new DataView(new ArrayBuffer(8));

/** The unbiased binary exponent of a finite non-zero double (subnormals included). */
export function binaryExponent(x: number): number {
  scratch.setFloat64(0, x);
  const biased = (scratch.getUint16(0) >>> 4) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  return binaryExponent(x * 2 ** 64) - 64;
}

/** Shortest round-trip digits and decimal exponent: 0.1 -> ['1', -1]. */
export function shortestDigits(x: number): [digits: string, exponent: number] {
  const [mant, exp] = Math.abs(x).toExponential().split('e');
  return [mant.replace('.', ''), Number(exp)];
}

export function printFloat(x: number): string {
  if (Number.isNaN(x)) return 'Float nan';
  if (x === Infinity) return 'Float infinity';
  if (x === -Infinity) return 'Float negativeInfinity';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const [digits, e] = shortestDigits(x);
  if (e >= -4 && e <= 15) {
    if (e >= 0) {
      const intPart = digits.length > e + 1 ? digits.slice(0, e + 1) : digits.padEnd(e + 1, '0');
      const frac = digits.length > e + 1 ? digits.slice(e + 1) : '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  }
  const frac = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${frac}e${e}`;
}

export function installFloatPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[41] = arith((a, b) => a + b);
  table[42] = arith((a, b) => a - b);
  table[43] = arith((a, b) => a < b, true);
  table[44] = arith((a, b) => a > b, true);
  table[45] = arith((a, b) => a <= b, true);
  table[46] = arith((a, b) => a >= b, true);
  table[47] = arith((a, b) => a === b, true);
  table[48] = arith((a, b) => a !== b, true);
  table[49] = arith((a, b) => a * b);
  table[50] = arith((a, b) => (b === 0 ? null : a / b));
  table[51] = (s, argc) => {
    const a = floatRcvr(s, argc);
    if (a === null || !Number.isFinite(a)) return PRIM_FAIL;
    const t = Math.trunc(a);
    return Number.isSafeInteger(t) ? newInteger(s.heap, t) : newInteger(s.heap, BigInt(t));
  };
  table[52] = unary((a) => (Number.isFinite(a) ? a - Math.trunc(a) : null));
  table[53] = (s, argc) => {
    const a = floatRcvr(s, argc);
    if (a === null || a === 0 || !Number.isFinite(a)) return PRIM_FAIL;
    return newInteger(s.heap, binaryExponent(a));
  };
  table[54] = (s, argc) => {
    const a = floatRcvr(s, argc);
    const n = smallOf(arg(s, argc, 0));
    if (a === null || n === null) return PRIM_FAIL;
    // Split the scaling so intermediate powers of two stay finite.
    let r = a;
    let k = n;
    while (k > 1000) { r *= 2 ** 1000; k -= 1000; }
    while (k < -1000) { r *= 2 ** -1000; k += 1000; }
    return newFloat(s.heap, r * 2 ** k);
  };
  table[55] = unary((a) => Math.sqrt(a));
  table[56] = unary((a) => Math.sin(a));
  table[57] = unary((a) => Math.atan(a));
  table[58] = unary((a) => Math.log(a));
  table[59] = unary((a) => Math.exp(a));
  table[named('Float', 'cos')] = unary(Math.cos);
  table[named('Float', 'tan')] = unary(Math.tan);
  table[named('Float', 'arcSin')] = unary(Math.asin);
  table[named('Float', 'arcCos')] = unary(Math.acos);
  table[named('Float', 'log10')] = unary(Math.log10);
  table[named('Float', 'raisedTo')] = arith((a, b) => a ** b);
  table[named('Float', 'printString')] = (s, argc) => {
    const a = floatRcvr(s, argc);
    return a === null ? PRIM_FAIL : stringResult(s, printFloat(a));
  };
  table[named('Float', 'printStringDigits')] = (s, argc) => {
    // {digits string. decimal exponent} for kernels that format floats themselves.
    const a = floatRcvr(s, argc);
    if (a === null || !Number.isFinite(a) || a === 0) return PRIM_FAIL;
    const [digits, e] = shortestDigits(a);
    const arr = s.heap.allocate(ClassIndex.Array, Format.INDEXABLE, 2);
    s.heap.store(arr, 0, stringResult(s, digits));
    s.heap.store(arr, 1, newInteger(s.heap, e));
    return arr;
  };
  table[named('Float', 'fromString')] = (s, argc) => {
    const text = stringOf(s, arg(s, argc, 0));
    if (text === null) return PRIM_FAIL;
    const t = text.trim();
    if (!/^-?\d+(\.\d+)?([eEdq]-?\d+)?$/.test(t)) return PRIM_FAIL;
    return newFloat(s.heap, Number(t.replace(/[dq]/, 'e')));
  };
}
