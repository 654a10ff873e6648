import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, History, historyPath } from '../../repl/history.ts';

const tempFile = (): string => join(mkdtempSync(join(tmpdir(), 'strata-history-')), 'history');

describe('history', () => {
  it('takes its path from STRATA_HISTORY, else ~/.strata_history', () => {
    expect(historyPath({ STRATA_HISTORY: '/tmp/h' })).toBe('/tmp/h');
    expect(historyPath({ STRATA_HISTORY: '' })).toBeNull();
    expect(historyPath({})).toMatch(/\.strata_history$/);
  });

  it('encodes multi-line entries and backslashes on one line', () => {
    for (const e of ['a\nb', 'x := \'\\n\'', 'c:\\dir\\n\nnext']) {
      expect(encodeEntry(e)).not.toContain('\n');
      expect(decodeEntry(encodeEntry(e))).toBe(e);
    }
  });

  it('persists entries, multi-line ones included, and reloads them', () => {
    const path = tempFile();
    const h = History.load(path);
    h.add('3 + 4');
    h.add('Foo >> bar [\n\t^ 42\n]');
    h.add('x := \'a\\b\'');
    const again = History.load(path);
    expect(again.entries()).toEqual(['3 + 4', 'Foo >> bar [\n\t^ 42\n]', "x := 'a\\b'"]);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('skips blank inputs and consecutive duplicates', () => {
    const h = History.load(tempFile());
    h.add('a');
    h.add('a');
    h.add('  ');
    h.add('b');
    h.add('a');
    expect(h.entries()).toEqual(['a', 'b', 'a']);
  });

  it('keeps the newest entries up to the limit', () => {
    const path = tempFile();
    const h = History.load(path, 5);
    for (let i = 1; i <= 8; i++) h.add(`x := ${i}`);
    expect(h.entries()).toEqual(['x := 4', 'x := 5', 'x := 6', 'x := 7', 'x := 8']);
    expect(History.load(path, 5).entries()).toHaveLength(5);
    writeFileSync(path, Array.from({ length: 1200 }, (_, i) => `e${i}`).join('\n'));
    const big = History.load(path);
    expect(big.entries()).toHaveLength(1000);
    expect(big.entries()[999]).toBe('e1199');
  });

  it('treats a missing file as empty and reports an unwritable one', () => {
    expect(History.load(join(tmpdir(), 'no-such-dir-strata', 'h')).entries()).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'strata-history-'));
    const h = History.load(dir); // a directory cannot be read as a file
    expect(h.problem).toMatch(/cannot read history/);
    h.add('1');
    expect(h.problem).toMatch(/cannot write history/);
    expect(h.entries()).toEqual(['1']);
  });
});
