// The REPL without a terminal (`echo '3 + 4' | strata`, `strata < script.st`): no raw mode,
// no ink, no prompt. All of stdin is read, split into inputs by the prompt's continuation
// rule, and each input is run in turn; results go to stdout, errors and traces to stderr,
// Transcript output to stdout as it is written.

import { splitInputs } from './continuation.ts';
import type { LogStyle } from './log.ts';
import { runInput } from './run-input.ts';
import type { ReplSession } from './session.ts';

export interface TextSink {
  write(text: string): unknown;
}

export interface PipedOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Aborting (SIGINT) interrupts the running input and skips the rest. */
  readonly signal?: AbortSignal;
}

export async function readAll(input: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
  return chunks.join('');
}

/** Runs every input of `script`. Answers the exit code: 0 when all inputs succeeded, 1 when
 *  one failed (the others still ran), 130 when interrupted by the signal. */
export async function runPiped(session: ReplSession, script: string, options: PipedOptions): Promise<number> {
  const { stdout, stderr, signal } = options;
  // Whether stdout's last character was a newline: a result after `Transcript show: 'x'`
  // must start on a line of its own.
  let atLineStart = true;
  const out = (text: string): void => {
    if (text === '') return;
    stdout.write(text);
    atLineStart = text.endsWith('\n');
  };
  const unsubscribe = session.onTranscript(out);
  const onAbort = (): void => session.interrupt();
  signal?.addEventListener('abort', onAbort);
  const print = (style: LogStyle, text: string): void => {
    if (!atLineStart) out('\n');
    if (style === 'error' || style === 'trace') stderr.write(`${text}\n`);
    else out(`${text}\n`);
  };
  let failed = false;
  try {
    for (const input of splitInputs(script.replace(/^#!.*/, ''))) {
      if (signal?.aborted) return 130;
      const outcome = await runInput(input, session, print);
      failed ||= outcome.failed;
      if (outcome.next === 'exit') break;
    }
    if (signal?.aborted) return 130;
  } finally {
    if (!atLineStart) out('\n');
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
  return failed ? 1 : 0;
}
