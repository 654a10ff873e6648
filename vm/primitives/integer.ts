// Integer primitives 1-17 (SmallInteger) and 21-37 (LargePositive/NegativeInteger), the same
// functions: any SmallInteger or LargeInteger receiver and argument, results normalized
// (a SmallInteger whenever it fits). They fail for non-integer arguments (the fallback
// coerces), on division by zero (the fallback signals ZeroDivide) and for `/` when the
// quotient is not an integer (the fallback makes a Fraction). Also 40 (asFloat), 20 (rem:)
// and the named integer helpers.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { newFloat } from '../objects.ts';
import { arg, bigOf, intResult, receiver, smallOf, stringOf, stringResult } from './support.ts';

const MAX_SHIFT = 1 << 24;

type Op2 = (a: bigint, b: bigint) => bigint | boolean | null;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && ((r < 0n) !== (b < 0n)) ? r + b : r;
}

const OPS: Record<number, Op2> = {
  1: (a, b) => a + b,
  2: (a, b) => a - b,
  3: (a, b) => a < b,
  4: (a, b) => a > b,
  5: (a, b) => a <= b,
  6: (a, b) => a >= b,
  7: (a, b) => a === b,
  8: (a, b) => a !== b,
  9: (a, b) => a * b,
  10: (a, b) => (b === 0n || a % b !== 0n ? null : a / b),
  11: (a, b) => (b === 0n ? null : floorMod(a, b)),
  12: (a, b) => (b === 0n ? null : floorDiv(a, b)),
  13: (a, b) => (b === 0n ? null : a / b),
  14: (a, b) => a & b,
  15: (a, b) => a | b,
  16: (a, b) => a ^ b,
  17: (a, b) => (b > BigInt(MAX_SHIFT) ? null : b >= 0n ? a << b : a >> -b),
  20: (a, b) => (b === 0n ? null : a % b),
};

function make(op: Op2): PrimFn {
  return (s: VMState, argc: number): number => {
    const a = bigOf(s, receiver(s, argc));
    const b = bigOf(s, arg(s, argc, 0));
    if (a === null || b === null) return PRIM_FAIL;
    const r = op(a, b);
    if (r === null) return PRIM_FAIL;
    if (typeof r === 'boolean') return s.bool(r);
    return intResult(s, r);
  };
}

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

export function installIntegerPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  for (const [k, op] of Object.entries(OPS)) {
    const n = Number(k);
    table[n] = make(op);
    if (n >= 1 && n <= 17) table[n + 20] = make(op);
  }
  // 40: asFloat of any integer.
  table[40] = (s, argc) => {
    const a = bigOf(s, receiver(s, argc));
    return a === null ? PRIM_FAIL : newFloat(s.heap, Number(a));
  };
  table[named('Integer', 'printStringBase')] = (s, argc) => {
    const a = bigOf(s, receiver(s, argc));
    const base = smallOf(arg(s, argc, 0));
    if (a === null || base === null || base < 2 || base > 36) return PRIM_FAIL;
    return stringResult(s, a.toString(base).toUpperCase());
  };
  table[named('Integer', 'fromString')] = (s, argc) => {
    const text = stringOf(s, arg(s, argc, 0));
    const base = argc > 1 ? smallOf(arg(s, argc, 1)) : 10;
    if (text === null || base === null || base < 2 || base > 36) return PRIM_FAIL;
    const t = text.trim();
    const neg = t.startsWith('-');
    const body = (neg ? t.slice(1) : t).toUpperCase();
    if (body === '') return PRIM_FAIL;
    let v = 0n;
    const B = BigInt(base);
    for (const ch of body) {
      const d = DIGITS.indexOf(ch);
      if (d < 0 || d >= base) return PRIM_FAIL;
      v = v * B + BigInt(d);
    }
    return intResult(s, neg ? -v : v);
  };
  table[named('Integer', 'gcd')] = (s, argc) => {
    let a = bigOf(s, receiver(s, argc));
    let b = bigOf(s, arg(s, argc, 0));
    if (a === null || b === null) return PRIM_FAIL;
    if (a < 0n) a = -a;
    if (b < 0n) b = -b;
    while (b !== 0n) [a, b] = [b, a % b];
    return intResult(s, a);
  };
  table[named('Integer', 'sqrtFloor')] = (s, argc) => {
    const a = bigOf(s, receiver(s, argc));
    return a === null || a < 0n ? PRIM_FAIL : intResult(s, isqrt(a));
  };
  table[named('Integer', 'highBit')] = (s, argc) => {
    const a = bigOf(s, receiver(s, argc));
    if (a === null) return PRIM_FAIL;
    const m = a < 0n ? -a : a;
    return intResult(s, BigInt(m === 0n ? 0 : m.toString(2).length));
  };
}
