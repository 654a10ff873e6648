// The prompt's editing model as pure functions over an immutable state, so every key's
// effect is unit-testable without a terminal. The input is one string that may hold
// newlines (continuation lines); `cursor` is an offset into it. The UI maps keys to these
// functions and renders `text` and `cursor`.

/** One completion choice: `text` replaces the word being completed, `label` is shown in the
 *  list (a keyword selector inserts its first keyword, "inject:", labelled "inject:into:"). */
export interface Candidate {
  readonly text: string;
  readonly label: string;
}

/** Candidates for the word that spans [start, cursor) of the text. */
export interface CompletionResult {
  readonly start: number;
  readonly candidates: readonly Candidate[];
}

/** Tab-completion in progress: the replaced span is [start, end); index -1 means the
 *  original word is in place and the candidates are only listed. */
export interface CompletionCycle {
  readonly start: number;
  readonly end: number;
  readonly original: string;
  readonly candidates: readonly Candidate[];
  readonly index: number;
}

export interface EditorState {
  readonly text: string;
  readonly cursor: number;
  /** Earlier inputs, oldest first. */
  readonly history: readonly string[];
  /** Which history entry is shown; history.length means the user's own new input. */
  readonly historyIndex: number;
  /** The new input put aside while browsing history, restored when coming back down. */
  readonly draft: string;
  readonly completion: CompletionCycle | null;
}

export function createEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '', completion: null };
}

/** An empty editor after an input was submitted, with the new history. */
export function resetEditor(history: readonly string[]): EditorState {
  return createEditor(history);
}

function edit(s: EditorState, text: string, cursor: number): EditorState {
  return { ...s, text, cursor: Math.max(0, Math.min(cursor, text.length)), completion: null };
}

export function insert(s: EditorState, chars: string): EditorState {
  const text = s.text.slice(0, s.cursor) + chars + s.text.slice(s.cursor);
  return edit(s, text, s.cursor + chars.length);
}

export function newline(s: EditorState): EditorState {
  return insert(s, '\n');
}

export function backspace(s: EditorState): EditorState {
  if (s.cursor === 0) return { ...s, completion: null };
  return edit(s, s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), s.cursor - 1);
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return { ...s, completion: null };
  return edit(s, s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1), s.cursor);
}

export function left(s: EditorState): EditorState {
  return edit(s, s.text, s.cursor - 1);
}

export function right(s: EditorState): EditorState {
  return edit(s, s.text, s.cursor + 1);
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf('\n', cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const nl = text.indexOf('\n', cursor);
  return nl < 0 ? text.length : nl;
}

/** Start of the current line (Home, Ctrl-A). */
export function home(s: EditorState): EditorState {
  return edit(s, s.text, lineStart(s.text, s.cursor));
}

/** End of the current line (End, Ctrl-E). */
export function end(s: EditorState): EditorState {
  return edit(s, s.text, lineEnd(s.text, s.cursor));
}

/** Deletes from the start of the current line to the cursor (Ctrl-U, readline's unix-line-discard). */
export function killToLineStart(s: EditorState): EditorState {
  const start = lineStart(s.text, s.cursor);
  return edit(s, s.text.slice(0, start) + s.text.slice(s.cursor), start);
}

/** Deletes from the cursor to the end of the current line (Ctrl-K). */
export function killToLineEnd(s: EditorState): EditorState {
  return edit(s, s.text.slice(0, s.cursor) + s.text.slice(lineEnd(s.text, s.cursor)), s.cursor);
}

/** Deletes the word before the cursor and the blanks after it (Ctrl-W). */
export function deleteWordBack(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && /\s/.test(s.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(s.text[i - 1]!)) i--;
  return edit(s, s.text.slice(0, i) + s.text.slice(s.cursor), i);
}

/** Row and column of the cursor, both 0-based. */
export function cursorPosition(s: EditorState): { row: number; column: number } {
  const before = s.text.slice(0, s.cursor);
  const row = before.split('\n').length - 1;
  return { row, column: s.cursor - lineStart(s.text, s.cursor) };
}

export function lineCount(s: EditorState): number {
  return s.text.split('\n').length;
}

function moveToRow(s: EditorState, row: number, column: number): EditorState {
  const lines = s.text.split('\n');
  let offset = 0;
  for (let r = 0; r < row; r++) offset += lines[r]!.length + 1;
  return edit(s, s.text, offset + Math.min(column, lines[row]!.length));
}

function showHistory(s: EditorState, index: number, cursorAtEnd: boolean): EditorState {
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const text = index === s.history.length ? draft : s.history[index]!;
  const cursor = cursorAtEnd ? text.length : lineEnd(text, 0);
  return { ...s, text, cursor, historyIndex: index, draft, completion: null };
}

/** Up: the previous line of a multi-line input, or on its first line the previous history entry. */
export function up(s: EditorState): EditorState {
  const { row, column } = cursorPosition(s);
  if (row > 0) return moveToRow(s, row - 1, column);
  if (s.historyIndex === 0) return { ...s, completion: null };
  return showHistory(s, s.historyIndex - 1, true);
}

/** Down: the next line of a multi-line input, or on its last line the next history entry
 *  (after the newest, the input that was being typed). */
export function down(s: EditorState): EditorState {
  const { row, column } = cursorPosition(s);
  if (row < lineCount(s) - 1) return moveToRow(s, row + 1, column);
  if (s.historyIndex >= s.history.length) return { ...s, completion: null };
  return showHistory(s, s.historyIndex + 1, false);
}

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const w of words) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i] === w[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

function replaceSpan(s: EditorState, start: number, stop: number, text: string): EditorState {
  const next = s.text.slice(0, start) + text + s.text.slice(stop);
  return { ...s, text: next, cursor: start + text.length };
}

/**
 * Tab. The first press completes the word as far as the candidates agree: a single candidate
 * is inserted, several are listed (after inserting their common prefix, if that adds
 * anything). Further presses cycle through the candidates, then back to the original word.
 * `compute` is only called when no cycle is in progress.
 */
export function complete(s: EditorState, compute: (text: string, cursor: number) => CompletionResult): EditorState {
  const cycle = s.completion;
  if (cycle !== null && cycle.candidates.length > 1) {
    const index = cycle.index + 1 >= cycle.candidates.length ? -1 : cycle.index + 1;
    const word = index < 0 ? cycle.original : cycle.candidates[index]!.text;
    const next = replaceSpan(s, cycle.start, cycle.end, word);
    return { ...next, completion: { ...cycle, index, end: cycle.start + word.length } };
  }
  const { start, candidates } = compute(s.text, s.cursor);
  if (candidates.length === 0) return { ...s, completion: null };
  const word = s.text.slice(start, s.cursor);
  if (candidates.length === 1) return { ...replaceSpan(s, start, s.cursor, candidates[0]!.text), completion: null };
  const prefix = commonPrefix(candidates.map((c) => c.text));
  const original = prefix.length > word.length ? prefix : word;
  const next = replaceSpan(s, start, s.cursor, original);
  return { ...next, completion: { start, end: start + original.length, original, candidates, index: -1 } };
}

/** Escape during completion: puts the original word back. */
export function cancelCompletion(s: EditorState): EditorState {
  const cycle = s.completion;
  if (cycle === null) return s;
  return { ...replaceSpan(s, cycle.start, cycle.end, cycle.original), completion: null };
}
