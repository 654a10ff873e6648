// Starts the REPL on a session: the ink UI when stdin is a terminal, the piped reader when
// it is not (no raw mode, no ink input handling, so `echo '3 + 4' | strata` and
// `strata < script.st` work).

import { render } from 'ink';
import { createElement } from 'react';
import { History, historyPath } from './history.ts';
import { readAll, runPiped } from './piped.ts';
import type { ReplSession } from './session.ts';
import { App } from './ui/App.tsx';

export interface StartOptions {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  /** The history file; by default $STRATA_HISTORY or ~/.strata_history. null: no file. */
  readonly historyFile?: string | null;
  /** Lines shown when the interactive REPL starts. */
  readonly banner?: readonly string[];
}

/** Runs the REPL until the user leaves (or stdin ends) and answers the exit code. */
export async function startRepl(session: ReplSession, options: StartOptions = {}): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (!stdin.isTTY) {
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.on('SIGINT', onSigint);
    try {
      return await runPiped(session, await readAll(stdin), { stdout, stderr, signal: abort.signal });
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
  const history = History.load(options.historyFile === undefined ? historyPath() : options.historyFile);
  const app = createElement(App, { session, history, banner: options.banner ?? [] });
  const instance = render(app, { stdin, stdout, stderr, exitOnCtrlC: false });
  await instance.waitUntilExit();
  return 0;
}
