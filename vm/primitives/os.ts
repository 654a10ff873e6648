// Operating-system primitives (module 'OS'): the program's command-line arguments and
// environment, standard input, the platform name, and the image's startup action.
// Standard output and error are 'stdoutWrite'/'stderrWrite' (system.ts), exit is 'exit'.
//
// Arguments and stdin come from the host when it provides them (the host of a shipped app
// passes the words after `node app.mjs`, tests pass their own); otherwise there are no
// arguments and stdin is the process's fd 0. The environment is process.env unless the host
// gives one.

import type { Host } from '../host.ts';
import type { PrimFn } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { isClosure } from '../contexts.ts';
import { newString, setSpecialObject, specialObject } from '../objects.ts';
import { Special } from '../special.ts';
import { arg, receiver, stringOf } from './support.ts';
import { ioFailure, newByteArrayFrom, newStringArray, newStringFromUtf8 } from './host-io.ts';
import { processStdinReader, type StdinReader } from './stdin.ts';

/** What a host may add for these primitives; every part is optional. */
export interface OsHostExtras {
  /** `Smalltalk arguments`: the words after the program on the command line. */
  readonly arguments?: readonly string[];
  /** `Stdin`; the process's fd 0 when absent. */
  readonly stdin?: StdinReader;
  /** `Smalltalk getenv:`; process.env when absent. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

function extras(host: Host): OsHostExtras {
  return host as Host & OsHostExtras;
}

function stdinOf(host: Host): StdinReader {
  return extras(host).stdin ?? processStdinReader();
}

export function installOsPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  table[named('OS', 'arguments')] = (s) => newStringArray(s.heap, extras(s.host).arguments ?? []);
  // getenv: name -> the variable's value as a String, or nil when it is not set.
  table[named('OS', 'getenv')] = (s, argc) => {
    const name = stringOf(s, arg(s, argc, 0));
    if (name === null) return PRIM_FAIL;
    const value = (extras(s.host).environment ?? process.env)[name];
    return value === undefined ? s.nil : newString(s.heap, value);
  };
  table[named('OS', 'platform')] = (s) => newString(s.heap, process.platform);
  // The rest of standard input as text (UTF-8 decoded) or bytes; '' / #[] at its end.
  table[named('OS', 'stdinContents')] = (s) => {
    try {
      return newStringFromUtf8(s.heap, stdinOf(s.host).readAll());
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  table[named('OS', 'stdinBinaryContents')] = (s) => {
    try {
      return newByteArrayFrom(s.heap, stdinOf(s.host).readAll());
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // The next line of standard input without its line end, or nil at the end of input.
  table[named('OS', 'stdinNextLine')] = (s) => {
    try {
      const line = stdinOf(s.host).nextLine();
      return line === null ? s.nil : newStringFromUtf8(s.heap, line);
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  table[named('OS', 'stdinAtEnd')] = (s) => {
    try {
      return s.bool(stdinOf(s.host).atEnd());
    } catch (e) {
      return ioFailure(s, e);
    }
  };
  // The block a shipped app runs when it starts (nil when none): Special.startUpAction.
  table[named('OS', 'startUpAction')] = (s) => specialObject(s.heap, Special.startUpAction);
  table[named('OS', 'setStartUpAction')] = (s, argc) => {
    const block = arg(s, argc, 0);
    if (block !== s.nil && !isClosure(s.heap, block)) return PRIM_FAIL;
    setSpecialObject(s.heap, Special.startUpAction, block);
    return receiver(s, argc);
  };
}
