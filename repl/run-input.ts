// Runs one complete input, whatever it is (doit, method definition, dot-command), and
// prints what it produced. The ink UI and the piped mode both go through here, so both
// behave the same for the same text.

import { classifyInput } from './continuation.ts';
import type { Printer } from './log.ts';
import { resultLines } from './log.ts';
import { runCommand } from './repl-commands.ts';
import type { CommandOutcome } from './repl-commands.ts';
import type { EvalResult, ReplSession } from './session.ts';

export interface InputOutcome {
  readonly next: CommandOutcome;
  /** True when the input failed (Smalltalk error, compile error, interrupt, bad command). */
  readonly failed: boolean;
}

function printResult(result: EvalResult, print: Printer): boolean {
  for (const l of resultLines(result)) print(l.style, l.text);
  return result.kind !== 'value';
}

export async function runInput(text: string, session: ReplSession, print: Printer): Promise<InputOutcome> {
  const input = classifyInput(text);
  try {
    switch (input.kind) {
      case 'blank':
        return { next: 'continue', failed: false };
      case 'command': {
        let failed = false;
        const next = await runCommand(input.line, session, (style, t) => {
          if (style === 'error') failed = true;
          print(style, t);
        });
        return { next, failed };
      }
      case 'bad-definition':
        print('error', input.reason);
        return { next: 'continue', failed: true };
      case 'method': {
        const d = input.definition;
        const result = await session.defineMethod(d.className, d.isMeta, d.source, d.category);
        return { next: 'continue', failed: printResult(result, print) };
      }
      case 'doit':
        return { next: 'continue', failed: printResult(await session.evaluate(input.source), print) };
    }
  } catch (e) {
    // The session broke its promise not to reject for Smalltalk failures: a host bug.
    print('error', `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { next: 'continue', failed: true };
  }
}
