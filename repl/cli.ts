// The `strata` command line: parses the command name and hands the rest of the
// arguments to that command. Each command is one file under repl/commands/ exporting a
// Command; adding a command is adding that file and one entry to COMMANDS.
//
// Exit codes (repl/command.ts): 0 ok, 1 a Smalltalk error, 2 bad usage or a bad file.
// Errors a user can cause (UsageError, ImageError) print one line on stderr; any other
// exception is a bug, prints its stack and exits with 1.

import fs from 'node:fs';
import { ImageError } from '../images/format.ts';
import { Exit, UsageError, type CliIO, type Command } from './command.ts';
import { buildCommand } from './commands/build.ts';
import { compactCommand } from './commands/compact.ts';
import { evalCommand } from './commands/eval.ts';
import { fileoutCommand } from './commands/fileout.ts';
import { infoCommand } from './commands/info.ts';
import { loadCommand } from './commands/load.ts';
import { recoverCommand } from './commands/recover.ts';
import { replCommandSpec } from './commands/repl.ts';
import { resumeCommand } from './commands/resume.ts';
import { runCommand } from './commands/run.ts';
import { saveCommand } from './commands/save.ts';
import { shipCommand } from './commands/ship.ts';
import { testCommand } from './commands/test.ts';

export { Exit, UsageError, type CliIO, type Command };

export const COMMANDS: readonly Command[] = [
  replCommandSpec, evalCommand, buildCommand, infoCommand, compactCommand, shipCommand, runCommand, loadCommand, saveCommand, testCommand, fileoutCommand, recoverCommand, resumeCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const [first, ...rest] = argv;
    // Bare `strata` (or `strata --image IMAGE`) is the REPL, as bare `node` and `python` are.
    if (first === undefined || first === '--image' || first.startsWith('--image=')) return await replCommandSpec.run(argv, io);
    if (first === '--help' || first === '-h') {
      io.stdout(helpText());
      return Exit.ok;
    }
    if (first === '--version' || first === '-v') {
      io.stdout(`strata ${version()}\n`);
      return Exit.ok;
    }
    if (first === 'help') {
      if (rest.length === 0) {
        io.stdout(helpText());
        return Exit.ok;
      }
      io.stdout(commandHelp(commandNamed(rest[0])));
      return Exit.ok;
    }
    // `#!/usr/bin/env strata` scripts: `strata ./script.st ARGS...` is `strata run`.
    if (findCommand(first) === undefined && isScriptFile(first)) return await runCommand.run(argv, io);
    const command = commandNamed(first);
    // After `strata run FILE` every word is the program's own, --help included.
    const own = command === runCommand ? rest.slice(0, rest.findIndex((a) => !a.startsWith('-')) >>> 0) : rest;
    if (own.includes('--help') || own.includes('-h')) {
      io.stdout(commandHelp(command));
      return Exit.ok;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const hint = e.command === null ? 'strata --help' : `strata help ${e.command}`;
      io.stderr(`strata: ${e.message} (see ${hint})\n`);
      return Exit.usage;
    }
    if (e instanceof ImageError) {
      io.stderr(`strata: ${e.message}\n`);
      return Exit.usage;
    }
    io.stderr(`strata: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return Exit.error;
  }
}

function isScriptFile(arg: string): boolean {
  try {
    return !arg.startsWith('-') && fs.statSync(arg).isFile();
  } catch {
    return false;
  }
}

function commandNamed(name: string): Command {
  const command = findCommand(name);
  if (command === undefined) {
    if (name.startsWith('-')) throw new UsageError(`unknown option '${name}'`);
    throw new UsageError(`unknown command '${name}'`);
  }
  return command;
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  const list = COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`);
  return [
    'strata: a Smalltalk-style, image-based runtime for Node.js',
    '',
    'usage: strata COMMAND [ARGUMENTS]',
    '',
    'commands:',
    ...list,
    '',
    'strata help COMMAND (or strata COMMAND --help) describes one command.',
    'strata --version prints the version.',
    'exit codes: 0 ok, 1 Smalltalk error, 2 bad usage or bad file',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const lines = [`usage: strata ${command.name} ${command.args}`, '', command.summary];
  if (command.details !== '') lines.push('', command.details);
  return `${lines.join('\n')}\n`;
}

function version(): string {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // A shipped app has no package.json beside it.
  }
  return 'unknown';
}
