import { describe, expect, it } from 'vitest';
import { classifyInput, isComplete, splitInputs } from '../../repl/continuation.ts';
import { scanDefinition } from '../../repl/definitions.ts';

describe('method definitions typed at the prompt', () => {
  it('recognizes instance and class side methods in Tonel syntax', () => {
    expect(scanDefinition('Foo >> bar [ ^ 42 ]')).toEqual({
      kind: 'method',
      definition: { className: 'Foo', isMeta: false, selector: 'bar', category: '', source: 'bar\n\t^ 42' },
    });
    const meta = scanDefinition('Foo class >> new: n [\n\t^ self basicNew setSize: n\n]');
    expect(meta).toMatchObject({ kind: 'method', definition: { className: 'Foo', isMeta: true, selector: 'new:' } });
    if (meta.kind === 'method') expect(meta.definition.source).toBe('new: n\n\t^ self basicNew setSize: n');
    expect(scanDefinition('Foo>>at: i put: v [ ^ v ]')).toMatchObject({ definition: { selector: 'at:put:', source: 'at: i put: v\n\t^ v' } });
    expect(scanDefinition('Point >> + other [ ^ x + other x ]')).toMatchObject({ definition: { selector: '+' } });
  });

  it('reads the category from Tonel metadata', () => {
    expect(scanDefinition("{ #category : 'accessing' } Foo >> x [ ^ x ]")).toMatchObject({ definition: { category: 'accessing' } });
    expect(scanDefinition('{ #category : #printing }\nFoo >> printOn: s [ s << 1 ]')).toMatchObject({ definition: { category: 'printing' } });
  });

  it('is incomplete while the body or the metadata is open', () => {
    expect(scanDefinition('Foo >> bar [').kind).toBe('incomplete');
    expect(scanDefinition("Foo >> bar [ ^ ']'").kind).toBe('incomplete');
    expect(scanDefinition('Foo >> bar [ "]" ^ [:x | x ]').kind).toBe('incomplete');
    expect(scanDefinition('Foo >> bar [ ^ $] ').kind).toBe('incomplete');
    expect(scanDefinition("{ #category : 'x' }").kind).toBe('incomplete');
    expect(scanDefinition("{ #category : 'x'").kind).toBe('incomplete');
  });

  it('leaves doits alone and rejects malformed definitions', () => {
    expect(scanDefinition('3 + 4').kind).toBe('none');
    expect(scanDefinition('Foo >> #bar').kind).toBe('none');
    expect(scanDefinition('{ 1. 2 }').kind).toBe('none');
    expect(scanDefinition('Foo >> bar [ ^ 1 ] extra').kind).toBe('invalid');
    expect(scanDefinition("{ #category : 'x' } 3 + 4").kind).toBe('invalid');
  });
});

describe('continuation', () => {
  it('asks for more while brackets, strings, comments are open or an operator dangles', () => {
    for (const s of ['[:x | x', '(3 + 4', "'abc", '"note', '3 +', 'a at: 1 put:', 'x :=', '#(1 2', '{1. 2', 'Foo >> bar [', 'Foo class >> bar [\n  ^ 1']) {
      expect(isComplete(s), s).toBe(false);
    }
    for (const s of ['3 + 4', 'x foo.', '', '   ', '.save', '.help me', 'Foo >> bar [ ^ 1 ]', 'Object subclass: #Foo', '3)']) {
      expect(isComplete(s), s).toBe(true);
    }
  });

  it('classifies complete inputs', () => {
    expect(classifyInput('  ').kind).toBe('blank');
    expect(classifyInput('"just a comment"').kind).toBe('blank');
    expect(classifyInput(' .browse Foo ')).toEqual({ kind: 'command', line: '.browse Foo' });
    expect(classifyInput('Foo >> bar [ ^ 1 ]').kind).toBe('method');
    expect(classifyInput('Foo >> bar [ ^ 1 ] 2').kind).toBe('bad-definition');
    expect(classifyInput('3 + 4')).toEqual({ kind: 'doit', source: '3 + 4' });
  });

  it('splits a script into inputs the way Enter would', () => {
    const script = ['x := 3.', '', 'y := [:a |', '  a + x].', 'Foo >> bar [', '  ^ 42', ']', '.save', '(y value: 4', ''].join('\n');
    expect(splitInputs(script)).toEqual(['x := 3.', 'y := [:a |\n  a + x].', 'Foo >> bar [\n  ^ 42\n]', '.save', '(y value: 4']);
    expect(splitInputs('1\r\n2\r\n')).toEqual(['1', '2']);
  });
});
