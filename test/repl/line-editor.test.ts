import { describe, expect, it } from 'vitest';
import * as ed from '../../repl/line-editor.ts';
import type { CompletionResult, EditorState } from '../../repl/line-editor.ts';

const typed = (text: string, history: string[] = []): EditorState => ed.insert(ed.createEditor(history), text);

describe('line editor', () => {
  it('inserts at the cursor and deletes around it', () => {
    let s = typed('3 4');
    s = ed.left(ed.left(s));
    s = ed.insert(s, '+');
    expect(s.text).toBe('3+ 4');
    expect(s.cursor).toBe(2);
    s = ed.backspace(s);
    expect([s.text, s.cursor]).toEqual(['3 4', 1]);
    s = ed.deleteForward(s);
    expect([s.text, s.cursor]).toEqual(['34', 1]);
    expect(ed.backspace(ed.home(s)).text).toBe('34');
    expect(ed.deleteForward(ed.end(s)).text).toBe('34');
  });

  it('clamps left and right at the ends', () => {
    const s = typed('ab');
    expect(ed.right(s).cursor).toBe(2);
    expect(ed.left(ed.left(ed.left(s))).cursor).toBe(0);
  });

  it('home and end work on the current line of a multi-line input', () => {
    let s = ed.newline(typed('foo'));
    s = ed.insert(s, 'barbaz');
    s = ed.left(ed.left(ed.left(s)));
    expect(ed.home(s).cursor).toBe(4);
    expect(ed.end(ed.home(s)).cursor).toBe(10);
  });

  it('kills to the start and end of the line and deletes a word back', () => {
    let s = typed('x := 3 factorial');
    s = ed.left(ed.left(ed.left(ed.left(s))));
    expect(ed.killToLineStart(s).text).toBe('rial');
    expect(ed.killToLineEnd(s).text).toBe('x := 3 facto');
    expect(ed.deleteWordBack(typed('x := 3 factorial  ')).text).toBe('x := 3 ');
    const two = ed.insert(ed.newline(typed('a b')), 'cd');
    expect(ed.killToLineStart(two).text).toBe('a b\n');
  });

  it('moves between lines with up and down, keeping the column', () => {
    let s = ed.insert(ed.newline(ed.insert(ed.newline(typed('abcdef')), 'xy')), 'pqrstu');
    expect(ed.cursorPosition(s)).toEqual({ row: 2, column: 6 });
    s = ed.up(s);
    expect(ed.cursorPosition(s)).toEqual({ row: 1, column: 2 });
    s = ed.up(s);
    expect(ed.cursorPosition(s)).toEqual({ row: 0, column: 2 });
    s = ed.down(ed.down(s));
    expect(ed.cursorPosition(s)).toEqual({ row: 2, column: 2 });
  });

  it('walks history on the first and last line and restores the draft', () => {
    let s = typed('draft', ['one', 'two\nlines']);
    s = ed.up(s);
    expect(s.text).toBe('two\nlines');
    expect(s.cursor).toBe(s.text.length);
    s = ed.up(s); // moves to the first line of the entry
    expect(s.text).toBe('two\nlines');
    expect(ed.cursorPosition(s).row).toBe(0);
    s = ed.up(s);
    expect(s.text).toBe('one');
    expect(ed.up(s).text).toBe('one');
    s = ed.down(s);
    expect(s.text).toBe('two\nlines');
    expect(ed.cursorPosition(s).row).toBe(0);
    s = ed.down(ed.down(s));
    expect(s.text).toBe('draft');
    expect(ed.down(s).text).toBe('draft');
  });

  it('completes a single candidate, a common prefix, then cycles', () => {
    const compute = (cands: string[]) => (text: string, cursor: number): CompletionResult => {
      const word = /\w*$/.exec(text.slice(0, cursor))![0];
      return { start: cursor - word.length, candidates: cands.filter((c) => c.startsWith(word)).map((c) => ({ text: c, label: c })) };
    };
    expect(ed.complete(typed('Tran'), compute(['Transcript', 'Object'])).text).toBe('Transcript');
    let s = ed.complete(typed('x := Ord'), compute(['OrderedCollection', 'OrderedDictionary']));
    expect(s.text).toBe('x := Ordered');
    expect(s.completion?.index).toBe(-1);
    s = ed.complete(s, compute([]));
    expect(s.text).toBe('x := OrderedCollection');
    s = ed.complete(s, compute([]));
    expect(s.text).toBe('x := OrderedDictionary');
    s = ed.complete(s, compute([]));
    expect(s.text).toBe('x := Ordered');
    expect(ed.insert(s, ' ').completion).toBeNull();
    const c = ed.complete(ed.complete(typed('Ordered'), compute(['OrderedA', 'OrderedB'])), compute([]));
    expect(c.text).toBe('OrderedA');
    expect(ed.cancelCompletion(c).text).toBe('Ordered');
    expect(ed.complete(typed('zz'), compute(['a'])).text).toBe('zz');
  });
});
