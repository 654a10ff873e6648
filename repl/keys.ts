// Turns what ink's useInput reports (the input text and a Key record) into the REPL's key
// actions. Pure, so the key bindings are tested without a terminal. A paste arrives as one
// multi-character input; it becomes insertions separated by 'enter' actions, so pasted
// code is split into inputs exactly as if it had been typed.

import type { Key } from 'ink';

export type KeyAction = { readonly type: 'insert'; readonly text: string } | { readonly type: KeyCommand };

export type KeyCommand =
  | 'enter' // evaluate when complete, else a new line
  | 'newline' // Alt-Enter: always a new line
  | 'backspace'
  | 'deleteForward'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'tab'
  | 'escape'
  | 'killToLineStart'
  | 'killToLineEnd'
  | 'deleteWordBack'
  | 'clearScreen'
  | 'interrupt' // Ctrl-C
  | 'eof'; // Ctrl-D

const CTRL: Readonly<Record<string, KeyCommand>> = {
  c: 'interrupt',
  d: 'eof',
  a: 'home',
  e: 'end',
  b: 'left',
  f: 'right',
  p: 'up',
  n: 'down',
  h: 'backspace',
  u: 'killToLineStart',
  k: 'killToLineEnd',
  w: 'deleteWordBack',
  l: 'clearScreen',
};

/** Control characters other than newlines and tabs are dropped from typed or pasted text. */
function printable(text: string): string {
  return text.replace(/\t/g, '    ').replace(/[\u0000-\u001f\u007f]/g, '');
}

export function decodeKey(input: string, key: Key): KeyAction[] {
  if (key.return) return [{ type: key.meta ? 'newline' : 'enter' }];
  if (key.ctrl && input.length === 1) {
    const type = CTRL[input.toLowerCase()];
    return type === undefined ? [] : [{ type }];
  }
  if (key.tab) return key.shift ? [] : [{ type: 'tab' }];
  if (key.backspace || key.delete) return [{ type: 'backspace' }];
  if (key.upArrow) return [{ type: 'up' }];
  if (key.downArrow) return [{ type: 'down' }];
  if (key.leftArrow) return [{ type: 'left' }];
  if (key.rightArrow) return [{ type: 'right' }];
  if (key.home) return [{ type: 'home' }];
  if (key.end) return [{ type: 'end' }];
  if (key.escape && input === '') return [{ type: 'escape' }];
  if (input === '' || key.meta) return [];
  const actions: KeyAction[] = [];
  const parts = input.split(/\r\n|\r|\n/);
  parts.forEach((part, i) => {
    if (i > 0) actions.push({ type: 'enter' });
    const text = printable(part);
    if (text !== '') actions.push({ type: 'insert', text });
  });
  return actions;
}
