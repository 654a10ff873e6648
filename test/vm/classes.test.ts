import { describe, expect, it } from 'vitest';
import { createSkeleton } from '../../images/skeleton.ts';
import {
  MethodCache, addMethod, allInstVarNames, classAtIndex, classOf, className, createClass, instSize,
  lookupMethod, methodDictEntries, removeMethod,
} from '../../vm/classes.ts';
import { ClassSlot } from '../../vm/class-layout.ts';
import { Format } from '../../vm/layout.ts';
import { intern, newString } from '../../vm/objects.ts';
import { characterOop, smallInt } from '../../vm/oop.ts';
import { ClassIndex } from '../../vm/special.ts';
import { globalValue } from '../../vm/install.ts';

describe('classes', () => {
  const heap = createSkeleton({ nurseryBytes: 1 << 20, initialBytes: 8 << 20 });
  const object = classAtIndex(heap, ClassIndex.Object);

  it('the skeleton is consistent: class of class is its metaclass, of metaclass Metaclass', () => {
    expect(className(heap, object)).toBe('Object');
    const meta = classOf(heap, object);
    expect(className(heap, meta)).toBe('Object class');
    expect(classOf(heap, meta)).toBe(classAtIndex(heap, ClassIndex.Metaclass));
    expect(heap.fetch(meta, ClassSlot.superclass)).toBe(classAtIndex(heap, ClassIndex.Class));
    expect(className(heap, classOf(heap, smallInt(3)))).toBe('SmallInteger');
    expect(className(heap, classOf(heap, characterOop(65)))).toBe('Character');
    expect(className(heap, classOf(heap, heap.nilOop))).toBe('UndefinedObject');
    expect(className(heap, classOf(heap, newString(heap, 'x')))).toBe('String');
    expect(instSize(heap, classAtIndex(heap, ClassIndex.Context))).toBe(6);
    expect(globalValue(heap, 'Array')).toBe(classAtIndex(heap, ClassIndex.Array));
    expect(heap.identityHash(object)).toBe(ClassIndex.Object);
  });

  it('creates classes with inherited layouts', () => {
    const point = createClass(heap, { name: 'Point3', superclass: object, instVarNames: ['x', 'y'], format: Format.FIXED });
    const sub = createClass(heap, { name: 'Point4', superclass: point, instVarNames: ['z'], format: Format.FIXED });
    expect(instSize(heap, sub)).toBe(3);
    expect(allInstVarNames(heap, sub)).toEqual(['x', 'y', 'z']);
    expect(heap.fetch(classOf(heap, sub), ClassSlot.superclass)).toBe(classOf(heap, point));
    expect(heap.identityHash(sub)).toBeGreaterThanOrEqual(ClassIndex.firstFree);
  });

  it('method dictionaries grow, look up along the chain and remove', () => {
    const a = createClass(heap, { name: 'A', superclass: object, instVarNames: [], format: Format.FIXED });
    const b = createClass(heap, { name: 'B', superclass: a, instVarNames: [], format: Format.FIXED });
    const sels = Array.from({ length: 100 }, (_, i) => intern(heap, `m${i}`));
    sels.forEach((s, i) => addMethod(heap, a, s, smallInt(i)));
    sels.forEach((s, i) => expect(lookupMethod(heap, b, s)).toBe(smallInt(i)));
    expect(methodDictEntries(heap, heap.fetch(a, ClassSlot.methodDict)).length).toBe(100);
    addMethod(heap, b, sels[5], smallInt(500));
    expect(lookupMethod(heap, b, sels[5])).toBe(smallInt(500));
    expect(removeMethod(heap, b, sels[5])).toBe(smallInt(500));
    expect(lookupMethod(heap, b, sels[5])).toBe(smallInt(5));
    for (let i = 0; i < 100; i += 2) removeMethod(heap, a, sels[i]);
    sels.forEach((s, i) => expect(lookupMethod(heap, b, s)).toBe(i % 2 ? smallInt(i) : 0));
    expect(lookupMethod(heap, b, intern(heap, 'nothing'))).toBe(0);

    const cache = new MethodCache();
    const bIndex = heap.identityHash(b);
    expect(cache.lookup(heap, bIndex, sels[1])).toBe(smallInt(1));
    expect(cache.lookup(heap, bIndex, sels[1])).toBe(smallInt(1));
    expect(cache.misses).toBe(1);
    addMethod(heap, b, sels[1], smallInt(-1));
    cache.flush();
    expect(cache.lookup(heap, bIndex, sels[1])).toBe(smallInt(-1));
  });
});
