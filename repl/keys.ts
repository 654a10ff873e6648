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

/** Decodes several characters that arrived at once (a paste, or fast typing over a slow
 *  link): text is inserted, line breaks are Enter, DEL and BS are Backspace, other control
 *  characters act as their Ctrl keys; tabs complete, except in a multi-line paste where they
 *  are indentation and become spaces. */
function decodeText(input: string): KeyAction[] {
  const actions: KeyAction[] = [];
  let text = '';
  // Several lines at once are a paste: a tab in it is indentation, not completion.
  const pasted = /[\r\n]/.test(input);
  const act = (a: KeyAction): void => {
    if (text !== '') actions.push({ type: 'insert', text });
    text = '';
    actions.push(a);
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') {
      if (ch === '\n' && input[i - 1] === '\r') continue;
      act({ type: 'enter' });
    } else if (ch === '\t') {
      if (pasted) text += '    ';
      else act({ type: 'tab' });
    }
    else if (code === 0x7f || code === 0x08) act({ type: 'backspace' });
    else if (code >= 1 && code <= 26) {
      const type = CTRL[String.fromCharCode(code + 96)];
      if (type !== undefined) act({ type });
    } else if (code >= 0x20) text += ch;
  }
  if (text !== '') actions.push({ type: 'insert', text });
  return actions;
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
  return decodeText(input);
}
