import { describe, expect, it } from 'vitest';
import type { LogStyle } from '../../repl/log.ts';
import { parseIndexes, runCommand, splitArgs } from '../../repl/repl-commands.ts';
import { parseMethodRef } from '../../repl/session.ts';
import { FakeSession } from './fake-session.ts';

async function run(line: string, session = new FakeSession('w.image')) {
  const out: [LogStyle, string][] = [];
  const next = await runCommand(line, session, (style, text) => out.push([style, text]));
  return { next, out, text: out.map(([, t]) => t).join('\n'), session };
}

describe('REPL commands', () => {
  it('.help lists every command', async () => {
    const { text } = await run('.help');
    for (const c of ['.save [--delta | --compact] [PATH]', '.load FILE...', '.browse Class', '.source Class>>selector', '.senders', '.implementors', '.inspect EXPR', '.dis', '.recover', '.exit']) {
      expect(text).toContain(c);
    }
  });

  it('.exit leaves; unknown and ambiguous commands are reported', async () => {
    expect((await run('.exit')).next).toBe('exit');
    expect((await run('.ex')).next).toBe('exit');
    expect((await run('.frobnicate')).out).toEqual([['error', 'unknown command .frobnicate; .help lists the commands']]);
    expect((await run('.s')).text).toMatch(/ambiguous command \.s \(\.save \.source \.senders\)/);
  });

  it('.save and .load go to the session', async () => {
    const s = new FakeSession('w.image');
    expect((await run('.save', s)).text).toBe('saved w.image');
    expect((await run('.save "my world.image"', s)).text).toBe('saved my world.image');
    expect((await run('.load a.st b', s)).text).toBe('a.st: 1 class, 2 methods\nb: 1 class, 2 methods');
    expect((await run('.load', s)).out).toEqual([['error', 'usage: .load FILE...']]);
    expect(s.calls).toEqual(['save ', 'save my world.image', 'load a.st b']);
  });

  it('.save --delta PATH and .save --compact PATH', async () => {
    const s = new FakeSession('w.image');
    expect((await run('.save --delta d1.delta', s)).text).toBe('saved d1.delta (delta)');
    expect((await run('.save --compact flat.image', s)).text).toBe('saved flat.image (compact)');
    expect((await run('.save --delta', s)).out).toEqual([['error', '.save --delta needs a PATH']]);
    expect((await run('.save --delta --compact x', s)).out).toEqual([['error', 'usage: .save [--delta | --compact] [PATH]']]);
    expect((await run('.save --fast x', s)).out).toEqual([['error', 'usage: .save [--delta | --compact] [PATH]']]);
    expect(s.calls).toEqual(['save d1.delta --delta', 'save flat.image --compact']);
  });

  it('.browse shows the definition and methods by category; errors from the session are printed', async () => {
    const s = new FakeSession();
    await s.defineMethod('Object', false, 'foo\n\t^ 1', 'accessing');
    await s.defineMethod('Object', true, 'make\n\t^ self new', 'instance creation');
    expect((await run('.browse Object', s)).text).toBe(
      'Object subclass: #Object\n  accessing\n    foo\n  class side: instance creation\n    make',
    );
    expect((await run('.browse Nope', s)).out).toEqual([['error', 'no class named Nope']]);
    expect((await run('.browse 3', s)).out).toEqual([['error', 'not a class name: 3']]);
  });

  it('.source, .senders, .implementors and .dis take methods and selectors', async () => {
    const s = new FakeSession();
    await s.defineMethod('Object', false, 'foo\n\t^ self bar', '');
    await s.defineMethod('Object', true, 'bar\n\t^ 2', '');
    expect((await run('.source Object>>foo', s)).text).toBe('foo\n\t^ self bar');
    expect((await run('.source Object class >> #bar', s)).text).toBe('bar\n\t^ 2');
    expect((await run('.source Object', s)).text).toMatch(/expected Class>>selector/);
    expect((await run('.senders bar', s)).text).toBe('Object>>foo');
    expect((await run('.senders #zork', s)).text).toBe('no senders of #zork');
    expect((await run('.implementors bar', s)).text).toBe('Object class>>bar');
    expect((await run('.implementors', s)).text).toBe('usage: .implementors selector');
    expect((await run('.dis Object>>foo', s)).text).toContain('pushConstant');
  });

  it('.inspect prints the object or the error', async () => {
    expect((await run('.inspect 3 + 4')).text).toBe('7\n  class: SmallInteger');
    expect((await run('.inspect nil foo')).out[0]).toEqual(['error', 'MessageNotUnderstood: UndefinedObject>>foo']);
  });

  it('.recover lists, then replays all or the picked changes', async () => {
    const s = new FakeSession();
    expect((await run('.recover', s)).text).toMatch(/nothing to recover/);
    s.changes.push(
      { index: 1, timestamp: '2025-01-01T10:00:00Z', kind: 'class', label: 'Foo' },
      { index: 2, timestamp: '2025-01-01T10:01:00Z', kind: 'method', label: 'Foo>>bar' },
    );
    expect((await run('.recover', s)).text).toContain('  2  2025-01-01T10:01:00Z  method Foo>>bar');
    expect((await run('.recover all', s)).text).toBe('replayed Foo\nreplayed Foo>>bar');
    expect((await run('.recover 2', s)).text).toBe('replayed Foo>>bar');
    expect((await run('.recover 3', s)).out[0]![0]).toBe('error');
    expect(s.calls).toEqual(['replay 1 2', 'replay 2']);
  });

  it('parses arguments', () => {
    expect(splitArgs(` a 'b c' "d e" f`)).toEqual(['a', 'b c', 'd e', 'f']);
    expect(parseIndexes('1 3-4, 2', 5)).toEqual([1, 2, 3, 4]);
    expect(parseIndexes('all', 3)).toEqual([1, 2, 3]);
    expect(() => parseIndexes('0', 3)).toThrow(/no change 0/);
    expect(() => parseIndexes('x', 3)).toThrow(/expected 'all'/);
    expect(parseMethodRef('Foo class>>at:put:')).toEqual({ className: 'Foo', isMeta: true, selector: 'at:put:' });
    expect(parseMethodRef('Foo>>+')).toEqual({ className: 'Foo', isMeta: false, selector: '+' });
    expect(parseMethodRef('Foo bar')).toBeNull();
  });
});
