// The changes log (repl/changes.ts) and recovery through the VM session: what is written,
// how it reads back, which changes an image lacks, and replaying them after a "crash" (a
// session abandoned without closing or saving).

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readChunkFile } from '../../compiler/chunk.ts';
import {
  ChangesLog, changeLabel, formatRecord, parseLog, recoverableChanges, type ChangeRecord, type LogRecord,
} from '../../repl/changes.ts';
import { openVmSession, type VmSession } from '../../repl/vm-session.ts';
import { baseImage, removeWorld, worldCopy } from './vm-session-world.ts';

const T = '2026-01-02T03:04:05.000Z';

function change(id: string, body: ChangeRecord['body'], replayOf: string | null = null): ChangeRecord {
  return { type: 'change', id, session: id.split('.')[0]!, timestamp: T, replayOf, body };
}

describe('the log format', () => {
  it('writes chunks that read back to the same records, and that a chunk reader accepts', () => {
    const records: LogRecord[] = [
      { type: 'startup', session: 'a1', timestamp: T, hash: 'ab12' },
      change('a1.1', { kind: 'class', source: "Object subclass: #Foo instanceVariableNames: 'x' classVariableNames: '' package: 'P'" }),
      change('a1.2', { kind: 'method', className: 'Foo', isMeta: true, category: "it's new", source: 'bang\n\t^ \'wow!\' , "a ! in a comment" \'!\'' }),
      change('a1.3', { kind: 'doit', source: "x := 'a!b'.\nx size" }, 'z9.4'),
      change('a1.4', { kind: 'load', paths: ["/tmp/it's.st", '/tmp/pkg'] }),
      { type: 'snapshot', session: 'a1', timestamp: T, hash: 'cd34' },
    ];
    const text = records.map(formatRecord).join('');
    expect(parseLog(text)).toEqual(records);
    const defs = readChunkFile(text, 'x.changes');
    expect(defs.map((d) => d.kind)).toEqual(['class', 'method', 'doit', 'doit']);
  });

  it('labels changes for listings', () => {
    expect(changeLabel({ kind: 'class', source: "Object subclass: #Foo instanceVariableNames: '' classVariableNames: '' package: 'P'" })).toBe('Foo');
    expect(changeLabel({ kind: 'class', source: "Foo class instanceVariableNames: 'count'" })).toBe('Foo');
    expect(changeLabel({ kind: 'method', className: 'Foo', isMeta: false, category: 'x', source: 'at: i put: v\n\t^ v' })).toBe('Foo>>at:put:');
    expect(changeLabel({ kind: 'method', className: 'Foo', isMeta: true, category: 'x', source: '+ other\n\t^ self' })).toBe('Foo class>>+');
    expect(changeLabel({ kind: 'doit', source: '  x := 3 + 4.\n y := 5' })).toBe('x := 3 + 4.');
  });

  it('skips text that is not a record and a record torn by a crash', () => {
    const good = formatRecord(change('a.1', { kind: 'doit', source: '1 + 2' }));
    const torn = '"----CHANGE---- 2026-01-02T03:04:05.000Z a.2 doit"!\nx := \'unfinished';
    expect(parseLog(`"a hand-written note"!\n\nTranscript show: 'x'!\n${good}${torn}`)).toHaveLength(1);
  });
});

describe('what an image lacks', () => {
  const d = (id: string, replayOf: string | null = null) => change(id, { kind: 'doit', source: id }, replayOf);
  const ids = (rs: ChangeRecord[]) => rs.map((r) => r.id);

  it('offers the changes after the last snapshot of the image, from other sessions', () => {
    const log: LogRecord[] = [
      { type: 'startup', session: 'a', timestamp: T, hash: 'h0' }, d('a.1'),
      { type: 'snapshot', session: 'a', timestamp: T, hash: 'h1' }, d('a.2'), d('a.3'),
      { type: 'startup', session: 'b', timestamp: T, hash: 'h1' }, d('b.1'),
    ];
    expect(ids(recoverableChanges(log, 'h1', 'c'))).toEqual(['a.2', 'a.3', 'b.1']);
    expect(ids(recoverableChanges(log, 'h1', 'b'))).toEqual(['a.2', 'a.3']);
    expect(ids(recoverableChanges(log, 'h0', 'c'))).toEqual(['a.1', 'a.2', 'a.3', 'b.1']);
    expect(recoverableChanges(log, 'other', 'c')).toEqual([]);
    expect(recoverableChanges(log, '', 'c')).toEqual([]);
  });

  it('offers a change once however often it was replayed, and not after this session replayed it', () => {
    const log: LogRecord[] = [
      { type: 'startup', session: 'a', timestamp: T, hash: 'h' }, d('a.1'), d('a.2'),
      { type: 'startup', session: 'b', timestamp: T, hash: 'h' }, d('b.1', 'a.1'), d('b.2', 'a.2'), d('b.3'),
      { type: 'startup', session: 'c', timestamp: T, hash: 'h' }, d('c.1', 'a.1'),
    ];
    expect(ids(recoverableChanges(log, 'h', 'd'))).toEqual(['a.1', 'a.2', 'b.3']);
    expect(ids(recoverableChanges(log, 'h', 'c'))).toEqual(['a.2', 'b.3']);
    const replaysOnly = log.filter((r) => r.type !== 'change' || !r.id.startsWith('a.'));
    expect(ids(recoverableChanges(replaysOnly, 'h', 'd'))).toEqual(['b.1', 'b.2', 'b.3']);
  });

  it('reports a log it cannot write once, and goes on', () => {
    const log = new ChangesLog('/nonexistent-dir/x.image.changes', 's', 'h');
    expect(log.appendChange({ kind: 'doit', source: '1' })).toBeNull();
    expect(log.takeProblem()).toMatch(/cannot write the changes log \/nonexistent-dir\/x\.image\.changes/);
    expect(log.takeProblem()).toBeNull();
  });
});

describe('recovery through the session', () => {
  const sessions: VmSession[] = [];
  const worlds: string[] = [];
  const open = async (image: string): Promise<VmSession> => {
    const s = await openVmSession(image, { onExit: () => {} });
    sessions.push(s);
    return s;
  };
  const world = (): string => {
    const w = worldCopy();
    worlds.push(w);
    return w;
  };

  beforeAll(() => {
    baseImage();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    for (const w of worlds.splice(0)) removeWorld(w);
  });

  it('logs definitions and doits beside the image, and a snapshot on save', async () => {
    const image = world();
    const s = await open(image);
    expect(s.changesPath).toBe(`${image}.changes`);
    await s.evaluate("Object subclass: #Logged instanceVariableNames: '' classVariableNames: '' package: 'T'");
    await s.defineMethod('Logged', false, 'hello\n\t^ #hi', 'demo');
    await s.evaluate('3 +');
    await s.evaluate('v := 1');
    await s.save();
    const records = parseLog(fs.readFileSync(`${image}.changes`, 'utf8'));
    expect(records.map((r) => (r.type === 'change' ? `${r.body.kind}:${changeLabel(r.body)}` : r.type))).toEqual([
      'startup', 'class:Logged', 'method:Logged>>hello', 'doit:v := 1', 'snapshot',
    ]);
  });

  it('gets back, after a crash, what was accepted since the last save', async () => {
    const image = world();
    const a = await open(image);
    await a.evaluate('before := 1');
    await a.save();
    await a.evaluate("Object subclass: #Lost instanceVariableNames: 'n' classVariableNames: '' package: 'T'");
    await a.defineMethod('Lost', false, 'n\n\t^ n ifNil: [7]', 'accessing');
    await a.defineMethod('Lost', true, 'make\n\t^ self new', '');
    await a.evaluate('lost := Lost make');
    // The crash: session a never saves or closes.

    const b = await open(image);
    expect(await b.evaluate('before')).toEqual({ kind: 'value', printString: '1' });
    expect(await b.evaluate('Lost')).toMatchObject({ kind: 'value', printString: 'nil' });
    const list = await b.recoverable();
    expect(list.map((c) => `${c.index} ${c.kind} ${c.label}`)).toEqual([
      '1 class Lost', '2 method Lost>>n', '3 method Lost class>>make', '4 doit lost := Lost make',
    ]);
    expect(list[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    const results = await b.replay([1, 2, 3, 4]);
    expect(results.map((r) => r.kind)).toEqual(['value', 'value', 'value', 'value']);
    expect(await b.evaluate('lost n')).toEqual({ kind: 'value', printString: '7' });
    expect(await b.recoverable()).toEqual([]);

    // b crashes too, after replaying: a third session is offered each change once (b's own
    // doits, queries included, are changes the image lacks too).
    const c = await open(image);
    expect((await c.recoverable()).map((x) => x.label)).toEqual([
      'Lost', 'Lost>>n', 'Lost class>>make', 'lost := Lost make', 'before', 'Lost', 'lost n',
    ]);
    await c.replay([1, 2]);
    expect((await c.recoverable()).map((x) => x.label)).toEqual(['Lost class>>make', 'lost := Lost make', 'before', 'Lost', 'lost n']);
    await c.save();
    const d = await open(image);
    expect((await d.recoverable()).map((x) => x.label)).toEqual([]);
    expect(await d.evaluate('Lost new n')).toEqual({ kind: 'value', printString: '7' });
  });

  it('leaves out methods the image already has with the same source', async () => {
    const image = world();
    const a = await open(image);
    await a.defineMethod('Object', false, 'same\n\t^ 1', 'demo');
    await a.save();
    await a.defineMethod('Object', false, 'same\n\t^ 1', 'demo');
    await a.defineMethod('Object', false, 'other\n\t^ 2', 'demo');
    const b = await open(image);
    expect((await b.recoverable()).map((x) => x.label)).toEqual(['Object>>other']);
  });

  it('starts a new log beside an image saved under a new name', async () => {
    const image = world();
    const a = await open(image);
    await a.evaluate('x := 1');
    const other = path.join(path.dirname(image), 'other.image');
    await a.save(other);
    await a.evaluate('y := 2');
    expect(a.changesPath).toBe(`${other}.changes`);
    const b = await open(other);
    expect((await b.recoverable()).map((x) => x.label)).toEqual(['y := 2']);
  });
});

describe('strata recover', () => {
  beforeAll(() => {
    baseImage();
  });

  it('reads IMAGE, picks and --out from its arguments', async () => {
    const { parseRecoverArgs } = await import('../../repl/commands/recover.ts');
    expect(parseRecoverArgs(['a.image'], {})).toEqual({ image: 'a.image', picks: [], out: null });
    expect(parseRecoverArgs(['a.image', 'all', '--out', 'b.image'], {})).toEqual({ image: 'a.image', picks: ['all'], out: 'b.image' });
    expect(parseRecoverArgs(['1', '3-5'], { STRATA_IMAGE: 'e.image' })).toEqual({ image: 'e.image', picks: ['1', '3-5'], out: null });
    expect(() => parseRecoverArgs(['a.image', 'b.image'], {})).toThrow(/one image expected/);
    expect(() => parseRecoverArgs(['--out'], {})).toThrow(/--out needs a path/);
    expect(() => parseRecoverArgs(['--fast'], {})).toThrow(/unknown option '--fast'/);
  });

  it('lists what a crashed session left, replays it and saves the image', async () => {
    const { recoverCommand } = await import('../../repl/commands/recover.ts');
    const image = worldCopy();
    const run = async (args: string[]) => {
      let out = '';
      const code = await recoverCommand.run(args, { stdout: (t) => { out += t; }, stderr: () => {} });
      return { code, out };
    };
    try {
      const crashed = await openVmSession(image, { onExit: () => {} });
      await crashed.evaluate("Object subclass: #Kept instanceVariableNames: '' classVariableNames: '' package: 'T'");
      await crashed.defineMethod('Kept', false, 'answer\n\t^ 42', 'demo');
      // Not closed, not saved: as after a crash.
      const listed = await run([image]);
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(/ 1 .* class +Kept\n +2 .* method +Kept>>answer\nreplay with: strata recover .* all/);
      await expect(run([image, '3'])).rejects.toThrow('no change 3: the list has 2 entries');
      expect(await run([image, 'all'])).toEqual({ code: 0, out: `replayed Kept\nreplayed Kept>>answer\nsaved ${image}\n` });
      expect((await run([image])).out).toMatch(/^nothing to recover/);
      const s = await openVmSession(image, { changes: false });
      expect(await s.evaluate('Kept new answer')).toEqual({ kind: 'value', printString: '42' });
      await s.close();
    } finally {
      removeWorld(image);
    }
  });
});
