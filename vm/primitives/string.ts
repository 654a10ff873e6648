// String and Symbol primitives: hashing (the symbol table's FNV-1a over code points),
// comparison by code points, case conversion, interning.

import type { PrimFn } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { allSymbols, codePointsOf, findSymbol, internCodePoints, isStringLike, newArray, newString, stringHash } from '../objects.ts';
import { characterOop, smallInt } from '../oop.ts';
import { arg, receiver, stringOf } from './support.ts';

function compare(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function installStringPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[named('String', 'hash')] = (s, argc) => {
    const r = receiver(s, argc);
    return isStringLike(s.heap, r) ? smallInt(stringHash(codePointsOf(s.heap, r)) & 0x3fffffff) : PRIM_FAIL;
  };
  // compare: aString -> -1, 0 or 1 by code points.
  table[named('String', 'compare')] = (s, argc) => {
    const r = receiver(s, argc);
    const a = arg(s, argc, 0);
    if (!isStringLike(s.heap, r) || !isStringLike(s.heap, a)) return PRIM_FAIL;
    return smallInt(compare(codePointsOf(s.heap, r), codePointsOf(s.heap, a)));
  };
  table[named('String', 'sameAs')] = (s, argc) => {
    const r = stringOf(s, receiver(s, argc));
    const a = stringOf(s, arg(s, argc, 0));
    if (r === null || a === null) return PRIM_FAIL;
    return s.bool(r.toLowerCase() === a.toLowerCase());
  };
  table[named('String', 'asSymbol')] = (s, argc) => {
    const r = receiver(s, argc);
    return isStringLike(s.heap, r) ? internCodePoints(s.heap, codePointsOf(s.heap, r)) : PRIM_FAIL;
  };
  table[named('String', 'asString')] = (s, argc) => {
    const r = stringOf(s, receiver(s, argc));
    return r === null ? PRIM_FAIL : newString(s.heap, r);
  };
  table[named('String', 'asUppercase')] = (s, argc) => {
    const r = stringOf(s, receiver(s, argc));
    return r === null ? PRIM_FAIL : newString(s.heap, r.toUpperCase());
  };
  table[named('String', 'asLowercase')] = (s, argc) => {
    const r = stringOf(s, receiver(s, argc));
    return r === null ? PRIM_FAIL : newString(s.heap, r.toLowerCase());
  };
  // Symbol class>>intern: aString / findInterned: aString / allSymbols
  table[named('Symbols', 'intern')] = (s, argc) => {
    const a = arg(s, argc, 0);
    return isStringLike(s.heap, a) ? internCodePoints(s.heap, codePointsOf(s.heap, a)) : PRIM_FAIL;
  };
  table[named('Symbols', 'findInterned')] = (s, argc) => {
    const a = stringOf(s, arg(s, argc, 0));
    if (a === null) return PRIM_FAIL;
    const sym = findSymbol(s.heap, a);
    return sym === 0 ? s.nil : sym;
  };
  const charTest = (re: RegExp): PrimFn => (s, argc) => {
    const r = receiver(s, argc);
    return (r & 3) === 2 ? s.bool(re.test(String.fromCodePoint(r >>> 2))) : PRIM_FAIL;
  };
  const charMap = (f: (c: string) => string): PrimFn => (s, argc) => {
    const r = receiver(s, argc);
    if ((r & 3) !== 2) return PRIM_FAIL;
    const mapped = [...f(String.fromCodePoint(r >>> 2))];
    return mapped.length === 1 ? characterOop(mapped[0].codePointAt(0)!) : r;
  };
  table[named('Character', 'isLetter')] = charTest(/^\p{L}$/u);
  table[named('Character', 'isUppercase')] = charTest(/^\p{Lu}$/u);
  table[named('Character', 'isLowercase')] = charTest(/^\p{Ll}$/u);
  table[named('Character', 'toUppercase')] = charMap((c) => c.toUpperCase());
  table[named('Character', 'toLowercase')] = charMap((c) => c.toLowerCase());
  table[named('Symbols', 'allSymbols')] = (s) => newArray(s.heap, allSymbols(s.heap));
}
