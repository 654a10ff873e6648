// The REPL's output as React state: the scrollback items and the unfinished last line of
// Transcript output. Two batching rules keep a chatty evaluation cheap:
//   - printed lines are queued and added to the scrollback once per microtask, so a command
//     printing 500 lines or a slice writing 10,000 Transcript lines copies the log once;
//   - Transcript text is gathered for up to 16 ms before it is split into lines.
// print() first moves all pending Transcript text (and its unfinished line) into the log, so
// a result always follows the output written before it, on a line of its own.

import { useEffect, useRef, useState } from 'react';
import type { LogStyle } from '../log.ts';
import type { ReplSession } from '../session.ts';
import type { LogItem } from './OutputLog.tsx';

export interface Output {
  readonly log: readonly LogItem[];
  /** Transcript text after its last newline, shown above the prompt until the line ends. */
  readonly partial: string;
  /** Adds lines (text may hold newlines) after all output so far. */
  print(style: LogStyle, text: string): void;
  /** Ends the unfinished Transcript line, if any (at the end of an evaluation). */
  endLine(): void;
}

const TRANSCRIPT_DELAY_MS = 16;

interface Writers {
  print(style: LogStyle, text: string): void;
  endLine(): void;
  /** Splits the gathered Transcript text into log lines and the unfinished line. */
  takeTranscript(): void;
}

interface Buffers {
  nextId: number;
  queue: LogItem[];
  scheduled: boolean;
  transcript: string;
  timer: ReturnType<typeof setTimeout> | null;
  partial: string;
}

export function useOutput(session: ReplSession, banner: readonly string[]): Output {
  const b = useRef<Buffers>({ nextId: 0, queue: [], scheduled: false, transcript: '', timer: null, partial: '' }).current;
  const [log, setLog] = useState<LogItem[]>(() => banner.map((text) => ({ id: b.nextId++, style: 'info' as const, text })));
  const [partial, setPartial] = useState('');

  const api = useRef<Writers | null>(null);
  if (api.current === null) {
    const flushQueue = (): void => {
      b.scheduled = false;
      const items = b.queue;
      b.queue = [];
      if (items.length > 0) setLog((prev) => prev.concat(items));
    };
    const push = (style: LogStyle, text: string): void => {
      for (const line of text.split('\n')) b.queue.push({ id: b.nextId++, style, text: line });
      if (!b.scheduled) {
        b.scheduled = true;
        queueMicrotask(flushQueue);
      }
    };
    const setPartialLine = (text: string): void => {
      if (text === b.partial) return;
      b.partial = text;
      setPartial(text);
    };
    const takeTranscript = (): void => {
      if (b.timer !== null) clearTimeout(b.timer);
      b.timer = null;
      if (b.transcript === '') return;
      const lines = (b.partial + b.transcript).split('\n');
      b.transcript = '';
      const rest = lines.pop()!;
      if (lines.length > 0) push('transcript', lines.join('\n'));
      setPartialLine(rest);
    };
    const endLine = (): void => {
      takeTranscript();
      if (b.partial === '') return;
      push('transcript', b.partial);
      setPartialLine('');
    };
    api.current = {
      print: (style, text) => {
        endLine();
        push(style, text);
      },
      endLine,
      takeTranscript,
    };
  }
  const { print, endLine, takeTranscript } = api.current;

  useEffect(() => {
    const unsubscribe = session.onTranscript((text) => {
      b.transcript += text;
      if (b.timer === null) b.timer = setTimeout(takeTranscript, TRANSCRIPT_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (b.timer !== null) clearTimeout(b.timer);
      b.timer = null;
    };
  }, [session, b, takeTranscript]);

  return { log, partial, print, endLine };
}
