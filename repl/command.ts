// What every `strata` command shares: the Command shape, the exit codes and the usage
// error. Kept apart from cli.ts so command files and the dispatcher do not import each other.

export const Exit = {
  ok: 0,
  /** A Smalltalk error reached the top level, or Strata itself failed. */
  error: 1,
  /** Bad arguments, or a file that is not a usable image. */
  usage: 2,
} as const;

/** Where a command writes; main.ts passes the process streams, tests pass collectors. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface Command {
  name: string;
  /** The arguments part of the usage line, e.g. 'FILE'. */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** Further lines of `strata help NAME`, or ''. */
  details: string;
  /** Runs with the arguments after the command name; answers the exit code. */
  run(args: string[], io: CliIO): number | Promise<number>;
}

/** A mistake in the command line; the message says what is wrong. */
export class UsageError extends Error {
  readonly command: string | null;
  constructor(message: string, command: string | null = null) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
