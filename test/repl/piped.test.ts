import { describe, expect, it } from 'vitest';
import { runPiped } from '../../repl/piped.ts';
import { FakeSession } from './fake-session.ts';

async function pipe(script: string, session = new FakeSession(), signal?: AbortSignal) {
  let out = '';
  let err = '';
  const code = await runPiped(session, script, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, signal });
  return { code, out, err, session };
}

describe('piped mode', () => {
  it('prints the printString of each input', async () => {
    expect(await pipe('3 + 4\n')).toMatchObject({ code: 0, out: '7\n', err: '' });
    expect((await pipe('x := 3.\ny := x * 2.\n\ny + 1\n')).out).toBe('3\n6\n7\n');
  });

  it('splits multi-line inputs with the continuation rule and passes definitions to the session', async () => {
    const { out, session } = await pipe('Foo >> bar [\n  ^ 42\n]\n(3 +\n 4)\n');
    expect(session.calls).toEqual(['define Foo>>bar ', 'evaluate (3 +\n 4)']);
    expect(out.split('\n')[0]).toBe('Foo>>bar');
  });

  it('writes errors and traces to stderr, continues, and exits with 1', async () => {
    const r = await pipe('nil foo\n1 + 1\n');
    expect(r).toMatchObject({ code: 1, out: '2\n' });
    expect(r.err).toBe('MessageNotUnderstood: UndefinedObject>>foo\n  UndefinedObject(Object)>>doesNotUnderstand: #foo\n  UndefinedObject>>DoIt\n');
  });

  it('interleaves Transcript output and starts results on their own line', async () => {
    const r = await pipe("Transcript show: 'hello'\nTranscript show: 'a'; cr\n");
    expect(r.out).toBe('hello\na Transcript\na\na Transcript\n');
  });

  it('runs commands, stops at .exit, skips comments and a #! line', async () => {
    const r = await pipe('#!/usr/bin/env strata\n"setup"\n.save out.image\n.exit\n3 + 4\n');
    expect(r.out).toBe('saved out.image\n');
    expect(r.session.calls).toEqual(['save out.image']);
  });

  it('stops when interrupted', async () => {
    const abort = new AbortController();
    const p = pipe('(Delay forMilliseconds: 5000) wait\n3 + 4\n', new FakeSession(), abort.signal);
    setTimeout(() => abort.abort(), 30);
    const r = await p;
    expect(r.code).toBe(130);
    expect(r.err).toContain('Interrupted');
    expect(r.out).toBe('');
  });
});
