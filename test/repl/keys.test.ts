import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { decodeKey } from '../../repl/keys.ts';

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};
const k = (over: Partial<Key>): Key => ({ ...none, ...over });

describe('key decoding', () => {
  it('maps editing keys', () => {
    expect(decodeKey('', k({ return: true }))).toEqual([{ type: 'enter' }]);
    expect(decodeKey('', k({ return: true, meta: true }))).toEqual([{ type: 'newline' }]);
    expect(decodeKey('', k({ delete: true }))).toEqual([{ type: 'backspace' }]);
    expect(decodeKey('', k({ upArrow: true }))).toEqual([{ type: 'up' }]);
    expect(decodeKey('', k({ tab: true }))).toEqual([{ type: 'tab' }]);
    expect(decodeKey('', k({ escape: true, meta: true }))).toEqual([{ type: 'escape' }]);
  });

  it('maps control keys', () => {
    expect(decodeKey('c', k({ ctrl: true }))).toEqual([{ type: 'interrupt' }]);
    expect(decodeKey('d', k({ ctrl: true }))).toEqual([{ type: 'eof' }]);
    expect(decodeKey('a', k({ ctrl: true }))).toEqual([{ type: 'home' }]);
    expect(decodeKey('e', k({ ctrl: true }))).toEqual([{ type: 'end' }]);
    expect(decodeKey('u', k({ ctrl: true }))).toEqual([{ type: 'killToLineStart' }]);
    expect(decodeKey('z', k({ ctrl: true }))).toEqual([]);
  });

  it('splits pasted text at line breaks into inserts and enters', () => {
    expect(decodeKey('x := 3.\ry := 4', none)).toEqual([
      { type: 'insert', text: 'x := 3.' },
      { type: 'enter' },
      { type: 'insert', text: 'y := 4' },
    ]);
    expect(decodeKey('a\tb\u0007\r', none)).toEqual([{ type: 'insert', text: 'a    b' }, { type: 'enter' }]);
    expect(decodeKey('Tran\t', none)).toEqual([{ type: 'insert', text: 'Tran' }, { type: 'tab' }]);
    expect(decodeKey('x', k({ meta: true }))).toEqual([]);
    expect(decodeKey('ab\x7fc\x15d\r\n', none)).toEqual([
      { type: 'insert', text: 'ab' },
      { type: 'backspace' },
      { type: 'insert', text: 'c' },
      { type: 'killToLineStart' },
      { type: 'insert', text: 'd' },
      { type: 'enter' },
    ]);
  });
});
