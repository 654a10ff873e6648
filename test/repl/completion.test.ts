import { describe, expect, it } from 'vitest';
import { completionsAt } from '../../repl/completion.ts';
import type { CompletionSources } from '../../repl/completion.ts';

const sources: CompletionSources = {
  globalNames: () => ['Transcript', 'OrderedCollection', 'Object', 'total'],
  selectors: () => ['printString', 'printOn:', 'inject:into:', 'at:', 'at:put:', 'size', '+'],
  listDirectory: (dir) =>
    dir === '.'
      ? [
          { name: 'kernel', isDirectory: true },
          { name: 'demo.st', isDirectory: false },
          { name: '.hidden', isDirectory: false },
        ]
      : dir === 'kernel'
        ? [{ name: 'Kernel-Objects', isDirectory: true }]
        : [],
};

const at = (textWithBar: string) => {
  const cursor = textWithBar.lastIndexOf('|');
  const text = textWithBar.slice(0, cursor) + textWithBar.slice(cursor + 1);
  const r = completionsAt(text, cursor, sources);
  return { start: r.start, texts: r.candidates.map((c) => c.text), labels: r.candidates.map((c) => c.label) };
};

describe('completion', () => {
  it('offers globals, workspace variables and pseudo-variables at the start of an expression', () => {
    expect(at('Tr|').texts).toEqual(['Transcript']);
    expect(at('x := Ob|').texts).toEqual(['Object']);
    expect(at('(Or|').texts).toEqual(['OrderedCollection']);
    expect(at('3 + to|').texts).toEqual(['total']);
    expect(at('a at: 1 put: tr|').texts).toEqual(['true']);
    expect(at('x foo. se|').texts).toEqual(['self']);
    expect(at('[:x | Tr|').texts).toEqual(['Transcript']);
    expect(at('^ O|').texts).toEqual(['Object', 'OrderedCollection']);
  });

  it('offers selectors after a receiver, a keyword selector by its first keyword', () => {
    expect(at('3 pr|')).toEqual({ start: 2, texts: ['printOn:', 'printString'], labels: ['printOn:', 'printString'] });
    expect(at('coll inj|').texts).toEqual(['inject:']);
    expect(at('coll inj|').labels).toEqual(['inject:into:']);
    expect(at("'abc' si|").texts).toEqual(['size']);
    expect(at('(3 + 4) si|').texts).toEqual(['size']);
    expect(at('x si; pri|').texts).toEqual(['printOn:', 'printString']);
    expect(at('#(1 2) si|').texts).toEqual(['size']);
  });

  it('completes symbols with whole selectors', () => {
    expect(at('x perform: #at|').texts).toEqual(['at:', 'at:put:']);
  });

  it('completes nothing inside strings, comments, numbers or block parameters', () => {
    expect(at("'Tr|").texts).toEqual([]);
    expect(at('"Tr|').texts).toEqual([]);
    expect(at('12|').texts).toEqual([]);
    expect(at('[:ea|').texts).toEqual([]);
    expect(at('"a comment" Tr|').texts).toEqual(['Transcript']);
  });

  it('completes REPL commands after a leading dot', () => {
    expect(at('.s|').texts).toEqual(['.save', '.senders', '.source']);
    expect(at('.br|')).toMatchObject({ start: 0, texts: ['.browse'] });
    expect(at('  .ex|')).toMatchObject({ start: 2, texts: ['.exit'] });
  });

  it('completes command arguments', () => {
    expect(at('.browse Ord|').texts).toEqual(['OrderedCollection']);
    expect(at('.source Object>>pri|').texts).toEqual(['printOn:', 'printString']);
    expect(at('.dis Obj|').texts).toEqual(['Object']);
    expect(at('.senders #at|').texts).toEqual(['at:', 'at:put:']);
    expect(at('.implementors in|').texts).toEqual(['inject:into:']);
    expect(at('.inspect Tr|').texts).toEqual(['Transcript']);
    expect(at('.load |').texts).toEqual(['demo.st', 'kernel/']);
    expect(at('.load kernel/|').texts).toEqual(['kernel/Kernel-Objects/']);
    expect(at('.load de|')).toMatchObject({ start: 6, texts: ['demo.st'] });
    expect(at('.exit |').texts).toEqual([]);
  });
});
