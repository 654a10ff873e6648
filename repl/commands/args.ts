// Command-line parsing shared by `strata run`, `load`, `test` and `save`: options with a
// value (`--image IN`, `--image=IN`, `-o OUT`), flags, and positional arguments; `--` ends
// the options. And where the image comes from: --image, else $STRATA_IMAGE, else the
// built base image (issue 6's rule, the same as the REPL's).

import { DEFAULT_IMAGE_PATH } from '../../images/world.ts';
import { UsageError } from '../command.ts';

export interface ArgSpec {
  /** Options that take a value, each with its aliases first-named canonical, e.g. ['--out', '-o']. */
  values?: readonly (readonly string[])[];
  flags?: readonly string[];
  /** Everything from the first positional argument on is positional (`strata run FILE ARGS...`). */
  stopAtPositional?: boolean;
}

export interface ParsedArgs {
  /** By canonical name; an option given twice is a usage error. */
  values: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

export function parseArgs(args: readonly string[], command: string, spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { values: new Map(), flags: new Set(), positional: [] };
  const canonical = new Map<string, string>();
  for (const names of spec.values ?? []) for (const n of names) canonical.set(n, names[0]!);
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (optionsEnded || a === '-' || !a.startsWith('-')) {
      out.positional.push(a);
      if (spec.stopAtPositional) optionsEnded = true;
      continue;
    }
    if (a === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const valueOption = canonical.get(name);
    if (valueOption !== undefined) {
      const value = name !== a ? a.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`, command);
      if (out.values.has(valueOption)) throw new UsageError(`${valueOption} given twice`, command);
      out.values.set(valueOption, value);
    } else if (spec.flags?.includes(a)) {
      out.flags.add(a);
    } else {
      throw new UsageError(`unknown option '${a}'`, command);
    }
  }
  return out;
}

/** The image to boot: --image, else $STRATA_IMAGE, else the built base image. */
export function imagePath(parsed: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['STRATA_IMAGE'];
  return parsed.values.get('--image') ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_IMAGE_PATH);
}

/** The help line for --image, the same in every command. */
export const IMAGE_OPTION_HELP = `  --image IN     the image to boot (default: $STRATA_IMAGE, else ${DEFAULT_IMAGE_PATH})`;
