// The Node side of a REPL's VM (vm/host.ts's Host): what Smalltalk writes to stdout or stderr
// (the Transcript, Stdout, Stderr) goes to the session's listeners as it is written, or to
// the process's stdout when nobody listens; an exit request (`Smalltalk exit:`) is
// remembered and reported, not obeyed, so the session decides how the process ends.

import type { CompileRequest, Host, SaveHook } from '../vm/host.ts';
import type { MethodSpec } from '../vm/method-spec.ts';

export class SessionHost implements Host {
  /** Installed by images/world.ts (bootWorld). */
  compile: ((request: CompileRequest) => MethodSpec) | null;
  /** Installed by images/world.ts; the session wraps it to note saves in its changes log. */
  saveImage: SaveHook | null;
  readonly listeners: Set<(text: string) => void>;
  /** The code Smalltalk asked to exit with, or null. */
  exitRequest: number | null;
  /** Called when Smalltalk asks to exit (the session stops the evaluation). */
  onExitRequest: () => void;

  constructor() {
    this.compile = null;
    this.saveImage = null;
    this.listeners = new Set();
    this.exitRequest = null;
    this.onExitRequest = () => {};
  }

  emit(text: string): void {
    if (text === '') return;
    if (this.listeners.size === 0) process.stdout.write(text);
    for (const l of this.listeners) l(text);
  }

  writeStdout(text: string): void {
    this.emit(text);
  }

  writeStderr(text: string): void {
    this.emit(text);
  }

  monotonicMillis(): number {
    return Math.floor(performance.now());
  }

  utcMicros(): number {
    return Date.now() * 1000;
  }

  exit(code: number): void {
    this.exitRequest = code;
    this.onExitRequest();
  }
}
