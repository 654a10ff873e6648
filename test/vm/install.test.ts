import { describe, expect, it } from 'vitest';
import { compileDoit, compileMethod } from '../../compiler/compile.ts';
import { createSkeleton } from '../../images/skeleton.ts';
import { allInstVarNames, classAtIndex, createClass, lookupMethod } from '../../vm/classes.ts';
import { associationAt } from '../../vm/dictionaries.ts';
import { defineGlobal, installMethod, lookupBinding, newCompiledMethod } from '../../vm/install.ts';
import { Format } from '../../vm/layout.ts';
import {
  bytecodeLength, bytecodeStart, hasPrimitiveErrorTemp, literalCount, methodClass, methodFrameSize, methodLiteral,
  methodNumArgs, methodNumTemps, methodPrimitive, methodProperties, methodSelector, methodSource,
} from '../../vm/method-layout.ts';
import { integerValue, intern, specialObject, stringValue } from '../../vm/objects.ts';
import { named } from '../../vm/primitives/names.ts';
import { ClassIndex, Special } from '../../vm/special.ts';

describe('installing compiled methods', () => {
  const heap = createSkeleton({ nurseryBytes: 1 << 20, initialBytes: 8 << 20 });
  const object = classAtIndex(heap, ClassIndex.Object);
  const foo = createClass(heap, { name: 'Foo', superclass: object, instVarNames: ['a', 'b'], format: Format.FIXED });
  defineGlobal(heap, 'Foo', foo);
  const env = (cls: number) => ({
    instVarNames: allInstVarNames(heap, cls),
    isBound: (name: string) => lookupBinding(heap, name, cls, false) !== 0 || /^[A-Z]/.test(name),
  });

  it('lays out headers, literals, trailing literals and bytecodes', () => {
    const src = 'bar: x\n\t| t |\n\tt := x + 1000000000000.\n\t^ #(1 $a #sym) -> Foo -> t -> b -> 1.5';
    const spec = compileMethod(src, env(foo), { className: 'Foo', category: 'testing' });
    const m = installMethod(heap, null, spec, foo, { file: 'Foo.class.st', line: 12 });
    expect(lookupMethod(heap, foo, intern(heap, 'bar:'))).toBe(m);
    expect(methodNumArgs(heap, m)).toBe(1);
    expect(methodNumTemps(heap, m)).toBe(spec.numTemps);
    expect(methodFrameSize(heap, m)).toBe(spec.frameSize);
    expect(methodPrimitive(heap, m)).toBe(0);
    expect(literalCount(heap, m)).toBe(spec.literals.length + 4);
    expect(bytecodeLength(heap, m)).toBe(spec.bytecodes.length);
    expect(Array.from(heap.bytes.subarray(bytecodeStart(heap, m), bytecodeStart(heap, m) + spec.bytecodes.length)))
      .toEqual(Array.from(spec.bytecodes));
    expect(stringValue(heap, methodSelector(heap, m))).toBe('bar:');
    expect(methodClass(heap, m)).toBe(foo);
    expect(stringValue(heap, methodSource(heap, m))).toBe(src);
    const props = methodProperties(heap, m);
    expect(stringValue(heap, heap.fetch(props, 0))).toBe('testing');
    expect(stringValue(heap, heap.fetch(props, 3))).toBe('Foo.class.st');
    spec.literals.forEach((lit, i) => {
      const oop = methodLiteral(heap, m, i);
      if (lit.kind === 'integer') expect(integerValue(heap, oop)).toBe(lit.value);
      if (lit.kind === 'binding') expect(oop).toBe(associationAt(heap, specialObject(heap, Special.smalltalk), intern(heap, lit.name)));
      if (lit.kind === 'float') expect(heap.floatValue(oop)).toBe(1.5);
      if (lit.kind === 'array') expect(heap.isImmutable(oop)).toBe(true);
    });
  });

  it('resolves primitives, including named ones and error temps', () => {
    const spec = compileMethod("jump\n\t<primitive: 'jump' module: 'Context' error: ec>\n\t^ ec", env(foo));
    const m = newCompiledMethod(heap, spec, foo);
    expect(methodPrimitive(heap, m)).toBe(named('Context', 'jump'));
    expect(hasPrimitiveErrorTemp(heap, m)).toBe(true);
    const p = newCompiledMethod(heap, compileMethod('size\n\t<primitive: 62>\n\t^ 0', env(foo)), foo);
    expect(methodPrimitive(heap, p)).toBe(62);
    expect(hasPrimitiveErrorTemp(heap, p)).toBe(false);
  });

  it('binds undeclared globals in Undeclared and moves them when defined', () => {
    const m = newCompiledMethod(heap, compileMethod('later\n\t^ LaterGlobal', env(foo)), foo);
    const binding = methodLiteral(heap, m, 0);
    expect(associationAt(heap, specialObject(heap, Special.undeclared), intern(heap, 'LaterGlobal'))).toBe(binding);
    defineGlobal(heap, 'LaterGlobal', foo);
    expect(associationAt(heap, specialObject(heap, Special.smalltalk), intern(heap, 'LaterGlobal'))).toBe(binding);
    expect(associationAt(heap, specialObject(heap, Special.undeclared), intern(heap, 'LaterGlobal'))).toBe(0);
    expect(heap.fetch(binding, 1)).toBe(foo);
  });

  it('binds doit variables in the workspace', () => {
    const spec = compileDoit('x := 3. x + 4', { instVarNames: [], isBound: () => false });
    const m = newCompiledMethod(heap, spec, classAtIndex(heap, ClassIndex.UndefinedObject));
    expect(associationAt(heap, specialObject(heap, Special.workspace), intern(heap, 'x'))).not.toBe(0);
    expect(stringValue(heap, methodSelector(heap, m))).toBe('DoIt');
  });
});
