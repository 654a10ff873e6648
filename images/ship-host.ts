// The host of a shipped app: the process's stdout and stderr written synchronously, its
// command-line arguments, exit, and a compiler loaded only when Smalltalk first compiles.
//
// Output goes through fs.writeSync on fds 1 and 2 rather than process.stdout: nothing is
// left in a stream buffer when the app exits (process.exit, Smalltalk exit:), output keeps
// its order between stdout and stderr, and no stream object is built at startup. A pipe
// whose reader is slow may be non-blocking (EAGAIN): the write waits 1 ms and goes on. A
// closed stdout (EPIPE, as in `app | head -1`) ends the app quietly, like a C program.
//
// The compiler: a shipped app runs compiled methods from its image and never needs the
// compiler unless it compiles at run time (Compiler evaluate:, Behavior>>compile:). Its
// code travels in the payload as text (ship-payload.ts) and is evaluated on the first
// compile request, so starting an app costs nothing for it.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import nodePath from 'node:path';
import { HostCompileError, type CompileRequest, type Host } from '../vm/host.ts';
import type { MethodSpec } from '../vm/method-spec.ts';
import type { OsHostExtras } from '../vm/primitives/os.ts';

export type CompileFn = (request: CompileRequest) => MethodSpec;

/** What the compiler chunk's IIFE defines (see ship-bundle.ts). */
interface CompilerModule {
  compileForHost: CompileFn;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of text to fd; false when the reader has gone (EPIPE). */
export function writeFully(fd: number, text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') {
        Atomics.wait(sleeper, 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') return false;
      throw e;
    }
  }
  return true;
}

/**
 * A compile function that evaluates the compiler's source on first use. The chunk has its
 * own copy of HostCompileError, so its errors are recognized by name and re-thrown as this
 * bundle's class (the one the primitives test with instanceof).
 */
export function lazyCompiler(loadSource: () => string | null): CompileFn {
  let compile: CompileFn | null = null;
  const load = (): CompileFn => {
    const source = loadSource();
    if (source === null) throw new HostCompileError('this app was shipped without the compiler (strata ship --no-compiler)');
    // Builtins resolve from any base path; the chunk may require node:util and the like.
    const require = createRequire(nodePath.join(process.cwd(), 'strata-compiler.js'));
    const module = new Function('require', `${source}\nreturn __strataCompiler;`)(require) as CompilerModule;
    return module.compileForHost;
  };
  return (request) => {
    compile ??= load();
    try {
      return compile(request);
    } catch (e) {
      if (e instanceof Error && e.name === 'HostCompileError') throw new HostCompileError(e.message);
      throw e;
    }
  };
}

export class AppHost implements Host, OsHostExtras {
  compile: CompileFn | null;
  readonly arguments: readonly string[];

  constructor(args: readonly string[], compile: CompileFn | null) {
    this.arguments = args;
    this.compile = compile;
  }

  writeStdout(text: string): void {
    if (!writeFully(1, text)) process.exit(0);
  }

  writeStderr(text: string): void {
    writeFully(2, text);
  }

  monotonicMillis(): number {
    return Math.floor(performance.now());
  }

  utcMicros(): number {
    return Date.now() * 1000;
  }

  exit(code: number): never {
    process.exit(code);
  }
}
