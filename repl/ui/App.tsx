// The interactive REPL: scrollback (OutputLog), the prompt (PromptView) and, while an
// evaluation runs, a busy line. Keys are decoded by keys.ts and applied to the pure line
// editor; complete inputs go to runInput. State that key handlers read synchronously (the
// editor, whether an evaluation runs, the transcript's unfinished line) lives in refs
// mirrored into React state, because several keys can arrive in one tick (a paste, a test
// writing "3 + 4" then "\r") before React re-renders.

import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { completionsAt } from '../completion.ts';
import type { CompletionSources } from '../completion.ts';
import { isComplete } from '../continuation.ts';
import type { History } from '../history.ts';
import type { KeyAction } from '../keys.ts';
import { decodeKey } from '../keys.ts';
import * as ed from '../line-editor.ts';
import type { EditorState } from '../line-editor.ts';
import { echoInput } from '../log.ts';
import { runInput } from '../run-input.ts';
import type { ReplSession } from '../session.ts';
import { BusyLine } from './BusyLine.tsx';
import { OutputLog } from './OutputLog.tsx';
import type { LogItem } from './OutputLog.tsx';
import { PromptView } from './PromptView.tsx';
import { useOutput } from './use-output.ts';

export interface AppProps {
  readonly session: ReplSession;
  readonly history: History;
  /** Lines printed once at start (version, image). */
  readonly banner?: readonly string[];
  /** How long an evaluation runs before the busy line appears (ms); 1000 by default. */
  readonly busyDelayMs?: number;
  /** Where completion looks things up; the session by default. */
  readonly completionSources?: CompletionSources;
  /** Called once when the user leaves (.exit, Ctrl-D, Ctrl-C twice), before ink exits. */
  readonly onExit?: () => void;
}

const EXIT_HINT = '(To exit, press Ctrl-C again or Ctrl-D or type .exit)';
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

export function App({ session, history, banner = [], busyDelayMs = 1000, completionSources, onExit }: AppProps) {
  const { exit } = useApp();
  const { write } = useStdout();
  const { log, partial, print: append, endLine } = useOutput(session, banner);
  const editorRef = useRef<EditorState>(ed.createEditor(history.entries()));
  const [editor, setEditorState] = useState(editorRef.current);
  const busyRef = useRef<number | null>(null);
  const [busySince, setBusySince] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const exitArmed = useRef(false);
  const exited = useRef(false);
  /** Keys typed while an evaluation runs, replayed when it ends. */
  const typeAhead = useRef<KeyAction[]>([]);
  const historyProblem = useRef<string | null>(null);
  const sources = completionSources ?? session;

  const setEditor = useCallback((next: EditorState) => {
    editorRef.current = next;
    setEditorState(next);
  }, []);

  useEffect(() => {
    if (busySince === null) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [busySince]);

  const leave = useCallback(() => {
    if (exited.current) return;
    exited.current = true;
    onExit?.();
    exit();
  }, [exit, onExit]);

  const reportHistoryProblem = useCallback(() => {
    if (history.problem !== null && history.problem !== historyProblem.current) {
      historyProblem.current = history.problem;
      append('error', history.problem);
    }
  }, [history, append]);

  useEffect(reportHistoryProblem, [reportHistoryProblem]);

  const handleActionRef = useRef<(a: KeyAction) => void>(() => {});

  const submit = useCallback(
    (text: string) => {
      append('input', echoInput(text));
      history.add(text);
      reportHistoryProblem();
      setEditor(ed.resetEditor(history.entries()));
      if (text.trim() === '') return;
      const started = Date.now();
      busyRef.current = started;
      setBusySince(started);
      setNow(started);
      void runInput(text, session, append).then((outcome) => {
        endLine();
        busyRef.current = null;
        setBusySince(null);
        if (outcome.next === 'exit') {
          leave();
          return;
        }
        const pending = typeAhead.current;
        typeAhead.current = [];
        for (const a of pending) handleActionRef.current(a);
      });
    },
    [append, history, reportHistoryProblem, setEditor, endLine, session, leave],
  );

  const handleAction = useCallback(
    (a: KeyAction) => {
      if (exited.current) return;
      if (busyRef.current !== null) {
        if (a.type === 'interrupt') session.interrupt();
        else typeAhead.current.push(a);
        return;
      }
      const s = editorRef.current;
      if (a.type !== 'interrupt') exitArmed.current = false;
      switch (a.type) {
        case 'insert':
          return setEditor(ed.insert(s, a.text));
        case 'enter':
          if (isComplete(s.text)) return submit(s.text);
          return setEditor(ed.newline(s));
        case 'newline':
          return setEditor(ed.newline(s));
        case 'backspace':
          return setEditor(ed.backspace(s));
        case 'deleteForward':
          return setEditor(ed.deleteForward(s));
        case 'left':
          return setEditor(ed.left(s));
        case 'right':
          return setEditor(ed.right(s));
        case 'up':
          return setEditor(ed.up(s));
        case 'down':
          return setEditor(ed.down(s));
        case 'home':
          return setEditor(ed.home(s));
        case 'end':
          return setEditor(ed.end(s));
        case 'tab':
          return setEditor(ed.complete(s, (text, cursor) => completionsAt(text, cursor, sources)));
        case 'escape':
          return setEditor(ed.cancelCompletion(s));
        case 'killToLineStart':
          return setEditor(ed.killToLineStart(s));
        case 'killToLineEnd':
          return setEditor(ed.killToLineEnd(s));
        case 'deleteWordBack':
          return setEditor(ed.deleteWordBack(s));
        case 'clearScreen':
          write(CLEAR_SCREEN);
          return;
        case 'eof':
          if (s.text === '') return leave();
          return setEditor(ed.deleteForward(s));
        case 'interrupt':
          if (s.text !== '') {
            exitArmed.current = false;
            append('input', `${echoInput(s.text)}^C`);
            return setEditor(ed.resetEditor(history.entries()));
          }
          if (exitArmed.current) return leave();
          exitArmed.current = true;
          return append('info', EXIT_HINT);
      }
    },
    [session, setEditor, submit, sources, write, leave, append, history],
  );
  handleActionRef.current = handleAction;

  useInput((input: string, key: Key) => {
    for (const a of decodeKey(input, key)) handleActionRef.current(a);
  });

  const elapsed = busySince === null ? 0 : now - busySince;
  return (
    <Box flexDirection="column">
      <OutputLog items={log} />
      {partial !== '' ? <Text>{partial}</Text> : null}
      {busySince === null ? <PromptView editor={editor} active /> : elapsed >= busyDelayMs ? <BusyLine elapsedMs={elapsed} /> : null}
    </Box>
  );
}
