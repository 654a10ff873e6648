// What the REPL prints, as styled lines, independent of where they go: the ink UI renders
// them in its scrollback (<Static>), the piped mode writes them to stdout/stderr.

import type { EvalResult } from './session.ts';

export type LogStyle =
  /** An input as it was typed, with its prompts. */
  | 'input'
  /** A printString (print-it). */
  | 'value'
  /** An error's description. */
  | 'error'
  /** A line of a Smalltalk stack trace. */
  | 'trace'
  /** Output of a REPL command, or a notice. */
  | 'info'
  /** Text written to the Transcript. */
  | 'transcript';

export interface LogLine {
  readonly style: LogStyle;
  readonly text: string;
}

/** Receives output as it is produced. */
export type Printer = (style: LogStyle, text: string) => void;

export const PROMPT = 'st> ';
export const CONTINUATION_PROMPT = '... ';

/** The lines an evaluation's result prints. */
export function resultLines(result: EvalResult): LogLine[] {
  switch (result.kind) {
    case 'value':
      return [{ style: 'value', text: result.printString }];
    case 'error':
      return [{ style: 'error', text: result.description }, ...result.trace.map((t) => ({ style: 'trace' as const, text: `  ${t}` }))];
    case 'interrupted':
      return [{ style: 'error', text: 'Interrupted' }, ...result.trace.map((t) => ({ style: 'trace' as const, text: `  ${t}` }))];
  }
}

/** An input echoed with its prompts, as it looked at the prompt. */
export function echoInput(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? PROMPT : CONTINUATION_PROMPT) + line)
    .join('\n');
}
