import { describe, expect, it } from 'vitest';
import { createSkeleton } from '../../images/skeleton.ts';
import {
  allSymbols, arrayElements, findSymbol, integerValue, intern, isSymbol, newArray, newFloat, newInteger,
  newString, stringValue,
} from '../../vm/objects.ts';
import { isSmallInt, smallIntValue } from '../../vm/oop.ts';
import { ClassIndex } from '../../vm/special.ts';

describe('heap objects from JS', () => {
  const heap = createSkeleton({ nurseryBytes: 1 << 20, initialBytes: 8 << 20 });

  it('strings round-trip, narrow and wide', () => {
    const s = newString(heap, 'héllo');
    expect(heap.classIndexOf(s)).toBe(ClassIndex.String);
    expect(heap.byteLength(s)).toBe(5);
    expect(stringValue(heap, s)).toBe('héllo');
    const w = newString(heap, 'a€😀');
    expect(heap.classIndexOf(w)).toBe(ClassIndex.WideString);
    expect(heap.slotCount(w)).toBe(3);
    expect(stringValue(heap, w)).toBe('a€😀');
    expect(stringValue(heap, newString(heap, ''))).toBe('');
  });

  it('symbols are unique and survive table growth', () => {
    const a = intern(heap, 'foo:bar:');
    expect(intern(heap, 'foo:bar:')).toBe(a);
    expect(isSymbol(heap, a)).toBe(true);
    expect(heap.isImmutable(a)).toBe(true);
    const made = new Map<string, number>();
    for (let i = 0; i < 5000; i++) made.set(`sym${i}`, intern(heap, `sym${i}`));
    for (const [s, oop] of made) expect(findSymbol(heap, s)).toBe(oop);
    expect(findSymbol(heap, 'foo:bar:')).toBe(a);
    expect(findSymbol(heap, 'neverMade')).toBe(0);
    expect(heap.classIndexOf(intern(heap, 'λ'))).toBe(ClassIndex.WideSymbol);
    expect(new Set(allSymbols(heap)).size).toBe(allSymbols(heap).length);
  });

  it('integers: SmallInteger when they fit, normalized LargeIntegers otherwise', () => {
    expect(isSmallInt(newInteger(heap, 2 ** 30 - 1))).toBe(true);
    expect(smallIntValue(newInteger(heap, -(2 ** 30)))).toBe(-(2 ** 30));
    const big = newInteger(heap, 2n ** 30n);
    expect(heap.classIndexOf(big)).toBe(ClassIndex.LargePositiveInteger);
    expect(heap.byteLength(big)).toBe(4);
    for (const v of [2n ** 30n, -(2n ** 30n) - 1n, 2n ** 200n + 12345n, -(3n ** 99n), 255n << 64n]) {
      expect(integerValue(heap, newInteger(heap, v))).toBe(v);
    }
    expect(heap.classIndexOf(newInteger(heap, -(2n ** 40n)))).toBe(ClassIndex.LargeNegativeInteger);
    expect(integerValue(heap, newString(heap, 'x'))).toBe(null);
  });

  it('floats and arrays', () => {
    const f = newFloat(heap, 0.1);
    expect(heap.floatValue(f)).toBe(0.1);
    const arr = newArray(heap, [f, newInteger(heap, 3)]);
    expect(arrayElements(heap, arr)).toEqual([f, newInteger(heap, 3)]);
  });
});
