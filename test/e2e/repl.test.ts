// End to end: `strata repl` in a real terminal (tmux), as a person uses it. Define a class and
// methods (Tonel syntax, over several lines), use them, keep a workspace variable, interrupt
// a runaway loop with Ctrl-C, save, quit, boot the saved image and carry on; then a crash
// (SIGKILL) after some definitions, and getting them back with `strata recover` and `.recover`.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseImage } from '../repl/vm-session-world.ts';
import { ROOT, STRATA, Terminal, tmuxAvailable } from './terminal.ts';

const HAVE_TMUX = tmuxAvailable();
if (!HAVE_TMUX) console.warn('tmux is not installed: skipping the terminal tests of the REPL (CI installs it in .ci/run)');

let dir = '';
const terminals: Terminal[] = [];
/** TSX_TSCONFIG_PATH: when the CLI runs from sources (tsx) outside the project directory. */
const env = (): Record<string, string> => ({
  STRATA_HISTORY: path.join(dir, 'history'),
  TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
});

function repl(image: string): Terminal {
  const t = new Terminal([process.execPath, STRATA, 'repl', image], { cwd: dir, env: env() });
  terminals.push(t);
  return t;
}

/** Waits for the first prompt; answers the milliseconds from start. */
async function started(t: Terminal): Promise<number> {
  const t0 = performance.now();
  await t.waitFor(/^st>/m, 90_000);
  return performance.now() - t0;
}

/** Enters one input and waits for its result line. */
async function enter(t: Terminal, input: string | string[], result: RegExp | string): Promise<string> {
  const from = t.screen().length;
  t.enter(...(Array.isArray(input) ? input : [input]));
  return t.waitFor(result, 20_000, from);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-'));
  for (const name of ['world.image', 'crash.image']) fs.copyFileSync(baseImage(), path.join(dir, name));
});

afterEach(() => {
  for (const t of terminals.splice(0)) t.close();
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(HAVE_TMUX)('the REPL in a terminal', () => {
  it('defines a class and methods, saves, quits, and carries on in the saved image', async () => {
    const t = repl(path.join(dir, 'world.image'));
    const ms = await started(t);
    console.info(`strata repl: prompt after ${Math.round(ms)} ms`);
    await enter(t, "Object subclass: #Animal instanceVariableNames: 'name' classVariableNames: '' package: 'Zoo'", /^Animal$/m);
    await enter(t, ['Animal >> speak [', "  ^ 'I am ', name", ']'], /^Animal>>speak$/m);
    await enter(t, "{ #category : 'instance creation' } Animal class >> named: aString [ ^ self new setName: aString ]", /^Animal class>>named:$/m);
    await enter(t, 'Animal >> setName: aString [ name := aString ]', /^Animal>>setName:$/m);
    await enter(t, "(Animal named: 'Rex') speak", /^'I am Rex'$/m);
    await enter(t, "pet := Animal named: 'Tom'", /^an Animal$/m);
    await enter(t, 'nil foo', /MessageNotUnderstood: UndefinedObject>>#foo\n\s+Object>>doesNotUnderstand:/);

    const from = t.screen().length;
    t.enter('[true] whileTrue');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    t.press('C-c');
    await t.waitFor(/^Interrupted\n\s+UndefinedObject>>DoIt \(1\)/m, 5000, from);
    const interruptMs = performance.now() - t0;
    console.info(`Ctrl-C to "Interrupted" on the screen: ${Math.round(interruptMs)} ms`);
    // The VM stops within a slice (the session test holds it to 100 ms); here the key also
    // travels through tmux and the screen is polled, on a shared machine.
    expect(interruptMs).toBeLessThan(1000);
    await enter(t, '3 + 4', /^7$/m);

    await enter(t, '.save saved.image', /^saved saved\.image$/m);
    t.press('C-d');
    await t.waitForExit();

    const again = repl(path.join(dir, 'saved.image'));
    await started(again);
    await enter(again, 'pet speak', /^'I am Tom'$/m);
    await enter(again, '.browse Animal', /instance creation\n\s+named:/);
    expect(again.screen()).toMatch(/Object subclass: #Animal\n\s+instanceVariableNames: 'name'/);
    await enter(again, 'Animal >> shout [ ^ self speak asUppercase ]', /^Animal>>shout$/m);
    await enter(again, 'pet shout', /^'I AM TOM'$/m);
    again.enter('.exit');
    await again.waitForExit();
  }, 180_000);

  it('gets back what was accepted before a crash (SIGKILL), with strata recover and .recover', async () => {
    const image = path.join(dir, 'crash.image');
    const t = repl(image);
    await started(t);
    await enter(t, "Object subclass: #Survivor instanceVariableNames: '' classVariableNames: '' package: 'Crash'", /^Survivor$/m);
    await enter(t, ['Survivor >> hello [', "  ^ 'still here'", ']'], /^Survivor>>hello$/m);
    await enter(t, 'keep := 42', /^42$/m);
    process.kill(t.pid(), 'SIGKILL');
    await t.waitForExit();

    const listed = execFileSync(process.execPath, [STRATA, 'recover', image], { cwd: dir, env: { ...process.env, ...env() }, encoding: 'utf8' });
    expect(listed).toMatch(/ 1 .* class +Survivor\n +2 .* method +Survivor>>hello\n +3 .* doit +keep := 42\n/);

    const back = repl(image);
    await started(back);
    await enter(back, 'Survivor', /^nil$/m);
    await enter(back, '.recover', /replay with \.recover all/);
    await enter(back, '.recover all', /^replayed keep := 42$/m);
    await enter(back, 'Survivor new hello', /^'still here'$/m);
    await enter(back, 'keep + 1', /^43$/m);
    back.press('C-d');
    await back.waitForExit();
  }, 180_000);
});
