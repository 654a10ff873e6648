// The native skeleton of a world: nil/true/false, the special-objects array, the class and
// symbol tables, and the classes the VM must find without looking anything up (ClassIndex)
// plus the few more its own data structures are instances of (dictionaries, Fraction and
// ScaledDecimal for literals). The kernel's Tonel class definitions then update these
// (superclass, category, more instance variables after the fixed ones) and add the rest.

import { Heap, type HeapOptions } from '../vm/heap.ts';
import { Format } from '../vm/layout.ts';
import { ClassSlot } from '../vm/class-layout.ts';
import { classAtIndex, classOf, createClass, newClassTable } from '../vm/classes.ts';
import { newDictionary } from '../vm/dictionaries.ts';
import { defineGlobal } from '../vm/install.ts';
import { intern, newArray, newSymbolTable } from '../vm/objects.ts';
import { SPECIAL_SELECTORS } from '../vm/opcodes.ts';
import { ClassIndex, SPECIAL_OBJECTS_SIZE, Special } from '../vm/special.ts';

/** [name, superclass, own instance variables, format, fixed class index]. */
type Row = [string, string | null, string, number, number?];

const F = Format;

/** Instance variables the VM depends on; kernel definitions must start with these. */
export const SKELETON: readonly Row[] = [
  ['Object', null, '', F.FIXED, ClassIndex.Object],
  ['Behavior', 'Object', 'superclass methodDict format', F.FIXED],
  ['ClassDescription', 'Behavior', 'instanceVariables organization', F.FIXED],
  ['Class', 'ClassDescription', 'subclasses name classPool sharedPools category comment', F.FIXED, ClassIndex.Class],
  ['Metaclass', 'ClassDescription', 'thisClass', F.FIXED, ClassIndex.Metaclass],
  ['UndefinedObject', 'Object', '', F.FIXED, ClassIndex.UndefinedObject],
  ['Boolean', 'Object', '', F.FIXED],
  ['True', 'Boolean', '', F.FIXED, ClassIndex.True],
  ['False', 'Boolean', '', F.FIXED, ClassIndex.False],
  ['Magnitude', 'Object', '', F.FIXED],
  ['Character', 'Magnitude', '', F.FIXED, ClassIndex.Character],
  ['Number', 'Magnitude', '', F.FIXED],
  ['Integer', 'Number', '', F.FIXED],
  ['SmallInteger', 'Integer', '', F.FIXED, ClassIndex.SmallInteger],
  ['LargePositiveInteger', 'Integer', '', F.BYTES, ClassIndex.LargePositiveInteger],
  ['LargeNegativeInteger', 'LargePositiveInteger', '', F.BYTES, ClassIndex.LargeNegativeInteger],
  ['Float', 'Number', '', F.WORDS, ClassIndex.Float],
  ['Fraction', 'Number', 'numerator denominator', F.FIXED],
  ['ScaledDecimal', 'Fraction', 'scale', F.FIXED],
  ['Collection', 'Object', '', F.FIXED],
  ['SequenceableCollection', 'Collection', '', F.FIXED],
  ['ArrayedCollection', 'SequenceableCollection', '', F.FIXED],
  ['Array', 'ArrayedCollection', '', F.INDEXABLE, ClassIndex.Array],
  ['String', 'ArrayedCollection', '', F.BYTES, ClassIndex.String],
  ['Symbol', 'String', '', F.BYTES, ClassIndex.Symbol],
  ['WideString', 'String', '', F.WORDS, ClassIndex.WideString],
  ['WideSymbol', 'Symbol', '', F.WORDS, ClassIndex.WideSymbol],
  ['ByteArray', 'ArrayedCollection', '', F.BYTES, ClassIndex.ByteArray],
  ['CompiledMethod', 'Object', '', F.COMPILED_METHOD, ClassIndex.CompiledMethod],
  ['BlockClosure', 'Object', 'outerContext startpc numArgs', F.INDEXABLE, ClassIndex.BlockClosure],
  ['Context', 'Object', 'sender pc stackp method closureOrNil receiver', F.INDEXABLE, ClassIndex.Context],
  ['LookupKey', 'Magnitude', 'key', F.FIXED],
  ['Association', 'LookupKey', 'value', F.FIXED, ClassIndex.Association],
  ['Message', 'Object', 'selector arguments lookupClass', F.FIXED, ClassIndex.Message],
  ['HashedCollection', 'Collection', 'tally array', F.FIXED],
  ['Dictionary', 'HashedCollection', '', F.FIXED],
  ['IdentityDictionary', 'Dictionary', '', F.FIXED],
  ['SystemDictionary', 'IdentityDictionary', '', F.FIXED],
  ['MethodDictionary', 'Object', 'tally array', F.INDEXABLE, ClassIndex.MethodDictionary],
];

/** A world with the skeleton classes, Smalltalk, Undeclared, the workspace and the special objects. */
export function createSkeleton(options: HeapOptions = {}): Heap {
  const heap = Heap.create(options);
  const nil = heap.allocate(ClassIndex.UndefinedObject, Format.EMPTY, 0);
  heap.nilOop = nil;
  const specials = heap.allocate(ClassIndex.Array, Format.INDEXABLE, SPECIAL_OBJECTS_SIZE);
  heap.specialObjects = specials;
  heap.store(specials, Special.nil, nil);
  heap.store(specials, Special.false, heap.allocate(ClassIndex.False, Format.EMPTY, 0));
  heap.store(specials, Special.true, heap.allocate(ClassIndex.True, Format.EMPTY, 0));
  heap.store(specials, Special.classTable, newClassTable(heap));
  heap.store(specials, Special.symbolTable, newSymbolTable(heap));

  const byName = new Map<string, number>();
  for (const [name, superName, ivars, format, index] of SKELETON) {
    const cls = createClass(heap, {
      name,
      superclass: superName === null ? nil : byName.get(superName)!,
      instVarNames: ivars === '' ? [] : ivars.split(' '),
      format,
      classIndex: index,
    });
    byName.set(name, cls);
  }
  // Object class's superclass is Class; it did not exist when Object was created.
  const objectMeta = classOf(heap, byName.get('Object')!);
  heap.store(objectMeta, ClassSlot.superclass, byName.get('Class')!);

  const sysDictIndex = heap.identityHash(byName.get('SystemDictionary')!);
  const identityDictIndex = heap.identityHash(byName.get('IdentityDictionary')!);
  heap.store(specials, Special.smalltalk, newDictionary(heap, sysDictIndex, 2, 1024));
  heap.store(specials, Special.undeclared, newDictionary(heap, identityDictIndex));
  heap.store(specials, Special.workspace, newDictionary(heap, identityDictIndex));
  for (const [name, cls] of byName) defineGlobal(heap, name, cls);
  defineGlobal(heap, 'Smalltalk', heap.fetch(specials, Special.smalltalk));
  defineGlobal(heap, 'Undeclared', heap.fetch(specials, Special.undeclared));

  heap.store(specials, Special.specialSelectors, newArray(heap, SPECIAL_SELECTORS.map(([s]) => intern(heap, s))));
  heap.store(specials, Special.doesNotUnderstand, intern(heap, 'doesNotUnderstand:'));
  heap.store(specials, Special.mustBeBoolean, intern(heap, 'mustBeBoolean'));
  heap.store(specials, Special.cannotReturn, intern(heap, 'cannotReturn:'));
  heap.store(specials, Special.aboutToReturn, intern(heap, 'aboutToReturn:through:'));
  return heap;
}

/** The class named name in Smalltalk, or throws. */
export function skeletonClass(heap: Heap, index: number): number {
  const cls = classAtIndex(heap, index);
  if (cls === heap.nilOop) throw new Error(`no class with index ${index}`);
  return cls;
}
