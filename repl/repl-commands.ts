// The REPL's dot-commands, in node:repl's style: a line starting with `.` names a command
// (a unique prefix is enough: `.br Foo`), the rest of the line is its argument. Each command
// is a thin layer over ReplSession that formats what the session answers.

import type { Printer } from './log.ts';
import { resultLines } from './log.ts';
import { formatMethodRef, parseMethodRef } from './session.ts';
import type { ClassDescription, Inspection, MethodRef, Protocol, ReplSession } from './session.ts';

export type CommandOutcome = 'continue' | 'exit';

interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly help: string;
  run(arg: string, session: ReplSession, print: Printer): Promise<CommandOutcome>;
}

/** Usage errors: printed as they are, without a trace. */
export class CommandError extends Error {}

/** At most this many indexed slots are listed by .inspect. */
const INSPECT_SLOTS = 50;

const SELECTOR = /^([A-Za-z_][A-Za-z0-9_]*|([A-Za-z_][A-Za-z0-9_]*:)+|[-!%&*+,/<=>?@\\~|]+)$/;

function selectorArg(arg: string, usage: string): string {
  const sel = arg.trim().replace(/^#/, '');
  if (!SELECTOR.test(sel)) throw new CommandError(arg.trim() === '' ? `usage: ${usage}` : `not a selector: ${arg.trim()} (usage: ${usage})`);
  return sel;
}

function methodArg(arg: string, usage: string): MethodRef {
  const ref = parseMethodRef(arg);
  if (ref === null) throw new CommandError(arg.trim() === '' ? `usage: ${usage}` : `expected Class>>selector or Class class>>selector, got: ${arg.trim()}`);
  return ref;
}

function classArg(arg: string, usage: string): string {
  const name = arg.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new CommandError(name === '' ? `usage: ${usage}` : `not a class name: ${name}`);
  return name;
}

/** Splits a line of file arguments; single or double quotes keep spaces in a name. */
export function splitArgs(arg: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(arg); m !== null; m = re.exec(arg)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Parses `.recover` arguments: `all`, or indexes and ranges such as `1 3-5`. */
export function parseIndexes(arg: string, count: number): number[] {
  const words = arg.trim().split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'all') return Array.from({ length: count }, (_, i) => i + 1);
  const picked = new Set<number>();
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(w);
    if (m === null) throw new CommandError(`expected 'all' or numbers such as 1 3-5, got: ${w}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > count || from > to) throw new CommandError(`no change ${w}: the list has ${count} entr${count === 1 ? 'y' : 'ies'}`);
    for (let i = from; i <= to; i++) picked.add(i);
  }
  return [...picked].sort((a, b) => a - b);
}

function printProtocols(title: string, protocols: readonly Protocol[], print: Printer): void {
  for (const p of protocols) {
    print('info', `${title}${p.name === '' ? 'as yet unclassified' : p.name}`);
    for (const sel of p.selectors) print('info', `    ${sel}`);
  }
}

function printClass(d: ClassDescription, print: Printer): void {
  print('info', d.definition);
  if (d.comment !== '') print('info', `"${d.comment.replace(/"/g, '""')}"`);
  printProtocols('  ', d.instanceProtocols, print);
  printProtocols('  class side: ', d.classProtocols, print);
  if (d.instanceProtocols.length === 0 && d.classProtocols.length === 0) print('info', '  (no methods)');
}

function printInspection(i: Inspection, print: Printer): void {
  if (i.kind !== 'object') {
    for (const l of resultLines(i)) print(l.style, l.text);
    return;
  }
  print('value', i.printString);
  print('info', `  class: ${i.className}`);
  for (const s of i.namedSlots) print('info', `  ${s.name}: ${s.printString}`);
  if (i.indexedSize > 0) print('info', `  indexed slots: ${i.indexedSize}`);
  for (const s of i.indexedSlots.slice(0, INSPECT_SLOTS)) print('info', `    ${s.name}: ${s.printString}`);
  const shown = Math.min(i.indexedSlots.length, INSPECT_SLOTS);
  if (i.indexedSize > shown) print('info', `    ... ${i.indexedSize - shown} more`);
}

function printRefs(refs: readonly MethodRef[], none: string, print: Printer): void {
  if (refs.length === 0) print('info', none);
  for (const r of refs) print('info', formatMethodRef(r));
}

const cont = Promise.resolve<CommandOutcome>('continue');

const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'help',
    usage: '.help',
    help: 'list the commands and keys',
    run: (_arg, _s, print) => {
      printHelp(print);
      return cont;
    },
  },
  {
    name: 'save',
    usage: '.save [--delta | --compact] [PATH]',
    help: 'snapshot the world (classes, globals, workspace variables) to PATH or the current image; --delta PATH: only what changed since the image was booted or saved; --compact PATH: one compacted image',
    run: async (arg, s, print) => {
      const args = splitArgs(arg);
      const kinds = args.filter((a) => a === '--delta' || a === '--compact');
      const paths = args.filter((a) => !a.startsWith('--'));
      if (kinds.length > 1 || paths.length > 1 || kinds.length + paths.length !== args.length) {
        throw new CommandError('usage: .save [--delta | --compact] [PATH]');
      }
      const kind = kinds[0] === '--delta' ? 'delta' : kinds[0] === '--compact' ? 'compact' : 'full';
      if (kind !== 'full' && paths.length === 0) throw new CommandError(`.save ${kinds[0]} needs a PATH`);
      print('info', `saved ${await s.save(paths[0], kind)}${kind === 'full' ? '' : ` (${kind})`}`);
      return 'continue';
    },
  },
  {
    name: 'load',
    usage: '.load FILE...',
    help: 'load Tonel packages, chunk files or scripts',
    run: async (arg, s, print) => {
      const files = splitArgs(arg);
      if (files.length === 0) throw new CommandError('usage: .load FILE...');
      for (const line of await s.load(files)) print('info', line);
      return 'continue';
    },
  },
  {
    name: 'browse',
    usage: '.browse Class',
    help: 'show a class definition and its methods by category',
    run: async (arg, s, print) => {
      printClass(await s.browse(classArg(arg, '.browse Class')), print);
      return 'continue';
    },
  },
  {
    name: 'source',
    usage: '.source Class>>selector',
    help: "show a method's source",
    run: async (arg, s, print) => {
      print('info', await s.source(methodArg(arg, '.source Class>>selector')));
      return 'continue';
    },
  },
  {
    name: 'senders',
    usage: '.senders selector',
    help: 'list the methods that send a selector',
    run: async (arg, s, print) => {
      const sel = selectorArg(arg, '.senders selector');
      printRefs(await s.senders(sel), `no senders of #${sel}`, print);
      return 'continue';
    },
  },
  {
    name: 'implementors',
    usage: '.implementors selector',
    help: 'list the classes that implement a selector',
    run: async (arg, s, print) => {
      const sel = selectorArg(arg, '.implementors selector');
      printRefs(await s.implementors(sel), `no implementors of #${sel}`, print);
      return 'continue';
    },
  },
  {
    name: 'inspect',
    usage: '.inspect EXPR',
    help: "evaluate EXPR and show its class, instance variables and indexed slots",
    run: async (arg, s, print) => {
      if (arg.trim() === '') throw new CommandError('usage: .inspect EXPR');
      printInspection(await s.inspect(arg), print);
      return 'continue';
    },
  },
  {
    name: 'dis',
    usage: '.dis Class>>selector',
    help: "show a method's bytecodes",
    run: async (arg, s, print) => {
      for (const line of await s.disassemble(methodArg(arg, '.dis Class>>selector'))) print('info', line);
      return 'continue';
    },
  },
  {
    name: 'recover',
    usage: '.recover [all | N N-M ...]',
    help: 'list the logged changes the image lacks since its last save; replay all or the ones picked',
    run: async (arg, s, print) => {
      const changes = await s.recoverable();
      if (arg.trim() === '') {
        if (changes.length === 0) {
          print('info', 'nothing to recover: the image has every logged change');
          return 'continue';
        }
        for (const c of changes) print('info', `${String(c.index).padStart(3)}  ${c.timestamp}  ${c.kind.padEnd(6)} ${c.label}`);
        print('info', 'replay with .recover all, or .recover 1 3-5');
        return 'continue';
      }
      const picked = parseIndexes(arg, changes.length);
      const results = await s.replay(picked);
      results.forEach((r, i) => {
        const label = changes[picked[i]! - 1]?.label ?? String(picked[i]);
        if (r.kind === 'value') print('info', `replayed ${label}`);
        else resultLines(r).forEach((l, j) => print(l.style, j === 0 ? `${label}: ${l.text}` : l.text));
      });
      return 'continue';
    },
  },
  {
    name: 'exit',
    usage: '.exit',
    help: 'leave the REPL (also Ctrl-D, or Ctrl-C twice on an empty line)',
    run: () => Promise.resolve('exit'),
  },
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

const KEYS: readonly [string, string][] = [
  ['Enter', 'evaluate a complete input; inside open brackets/strings/comments, a new line'],
  ['Up/Down', 'history (on the first/last line), otherwise move between lines'],
  ['Tab', 'complete a global, a selector or a command; press again to cycle'],
  ['Ctrl-C', 'interrupt an evaluation; clear the input; twice on an empty line: exit'],
  ['Ctrl-D', 'exit on an empty line, else delete the character under the cursor'],
  ['Ctrl-A/E', 'start/end of line'],
  ['Ctrl-U/K', 'delete to the start/end of the line'],
  ['Ctrl-W', 'delete the word before the cursor'],
  ['Ctrl-L', 'clear the screen'],
];

export function printHelp(print: Printer): void {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  for (const c of COMMANDS) print('info', `${c.usage.padEnd(width)}  ${c.help}`);
  print('info', '');
  print('info', 'Methods: Foo >> bar [ ^ 42 ]  or  Foo class >> bar [ ... ]; classes: Object subclass: #Foo ...');
  print('info', '');
  for (const [k, h] of KEYS) print('info', `${k.padEnd(width)}  ${h}`);
}

/** Runs one `.command args` line. Errors (usage, or a session rejecting a query) are printed,
 *  never thrown, so the REPL stays alive. */
export async function runCommand(line: string, session: ReplSession, print: Printer): Promise<CommandOutcome> {
  const m = /^\s*\.(\S*)\s*([\s\S]*)$/.exec(line);
  const name = m?.[1] ?? '';
  const arg = m?.[2] ?? '';
  const exact = COMMANDS.find((c) => c.name === name);
  const matches = exact !== undefined ? [exact] : name === '' ? [] : COMMANDS.filter((c) => c.name.startsWith(name));
  if (matches.length !== 1) {
    const why = matches.length === 0 ? `unknown command .${name}` : `ambiguous command .${name} (${matches.map((c) => `.${c.name}`).join(' ')})`;
    print('error', `${why}; .help lists the commands`);
    return 'continue';
  }
  try {
    return await matches[0]!.run(arg, session, print);
  } catch (e) {
    print('error', e instanceof Error ? e.message : String(e));
    return 'continue';
  }
}
