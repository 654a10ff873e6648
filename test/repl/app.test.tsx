import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { History } from '../../repl/history.ts';
import { App } from '../../repl/ui/App.tsx';
import { FakeSession } from './fake-session.ts';

const ENTER = '\r';
const TAB = '\t';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const CTRL_C = '\x03';
const CTRL_D = '\x04';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The frame without colors and trailing blanks (ink trims them; the cursor cell is only
 *  visible as inverse video, which the test terminal does not render). */
const plain = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '').replace(/ +$/gm, '');

let mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

function start(options: { session?: FakeSession; history?: History; busyDelayMs?: number } = {}) {
  const session = options.session ?? new FakeSession();
  const history = options.history ?? new History(null);
  let exits = 0;
  const r = render(<App session={session} history={history} busyDelayMs={options.busyDelayMs ?? 1000} banner={['Strata test']} onExit={() => exits++} />);
  mounted.push(r);
  const screen = () => plain(r.lastFrame());
  return {
    session,
    history,
    screen,
    exits: () => exits,
    /** Types keys one write at a time, as a terminal delivers them. */
    async type(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        await sleep(5);
      }
    },
    async until(pred: (screen: string) => boolean, what: string) {
      for (let i = 0; i < 200; i++) {
        if (pred(screen())) return;
        await sleep(10);
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    },
  };
}

/** The prompt area: the lines from the last `st>` on. */
const promptOf = (screen: string) => screen.slice(screen.lastIndexOf('st>'));

describe('the interactive REPL', () => {
  it('evaluates a complete input and prints its printString', async () => {
    const t = start();
    await sleep(20);
    await t.type('3 + 4', ENTER);
    await t.until((s) => s.includes('st> 3 + 4\n7\n'), 'the result');
    await t.until((s) => s.includes('Strata test'), JSON.stringify('Strata test'));
    await t.until((s) => promptOf(s) === 'st>', `prompt ${JSON.stringify('st>')}`);
    await t.type('x := 5', ENTER, 'x * 2', ENTER);
    await t.until((s) => s.includes('\n10\n'), 'the workspace variable');
  });

  it('continues an incomplete input on more lines', async () => {
    const t = start();
    await sleep(20);
    await t.type('(3 +', ENTER);
    await t.until((s) => s.includes('st> (3 +\n...'), JSON.stringify('st> (3 +\n...'));
    expect(t.session.calls).toEqual([]);
    await t.type(' 4)', ENTER);
    await t.until((s) => s.includes('st> (3 +\n...  4)\n7'), 'the result');
    expect(t.session.calls).toEqual(['evaluate (3 +\n 4)']);
  });

  it('accepts method definitions in Tonel syntax over several lines', async () => {
    const t = start();
    await sleep(20);
    await t.type('Object class >> answer [', ENTER, '  ^ 42', ENTER, ']', ENTER);
    await t.until((s) => s.includes('Object class>>answer'), 'the definition');
    expect(t.session.calls).toEqual(['define Object class>>answer ']);
    expect(t.session.methods.get('Object class>>answer')?.source).toBe('answer\n  ^ 42');
  });

  it('walks the history with up and down and saves it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-app-')), 'h');
    const t = start({ history: History.load(file) });
    await sleep(20);
    await t.type('1 + 1', ENTER);
    await t.until((s) => s.includes('\n2\n'), 'first');
    await t.type('(2 +', ENTER, '2)', ENTER);
    await t.until((s) => s.includes('\n4\n'), 'second');
    await t.type(UP);
    await t.until((s) => promptOf(s) === 'st> (2 +\n... 2)', `prompt ${JSON.stringify('st> (2 +\n... 2)')}`);
    await t.type(UP, UP);
    await t.until((s) => promptOf(s) === 'st> 1 + 1', `prompt ${JSON.stringify('st> 1 + 1')}`);
    await t.type(DOWN);
    await t.until((s) => promptOf(s) === 'st> (2 +\n... 2)', `prompt ${JSON.stringify('st> (2 +\n... 2)')}`);
    await t.type(DOWN, DOWN, 'draft');
    await t.until((s) => promptOf(s) === 'st> draft', `prompt ${JSON.stringify('st> draft')}`);
    expect(readFileSync(file, 'utf8')).toBe('1 + 1\n(2 +\\n2)\n');
  });

  it('completes globals, selectors and commands with Tab', async () => {
    const t = start();
    await sleep(20);
    await t.type('Tran', TAB);
    await t.until((s) => promptOf(s) === 'st> Transcript', `prompt ${JSON.stringify('st> Transcript')}`);
    await t.type(' pr', TAB);
    await t.until((s) => s.includes('st> Transcript print\nprintNl  printOn:  printString'), JSON.stringify('st> Transcript print\nprintNl  printOn:  printString'));
    await t.type(TAB, TAB);
    await t.until((s) => promptOf(s).split('\n')[0] === 'st> Transcript printOn:', `first line ${JSON.stringify('st> Transcript printOn:')}`);
    await t.type('\x15.he', TAB);
    await t.until((s) => promptOf(s) === 'st> .help', `prompt ${JSON.stringify('st> .help')}`);
  });

  it('prints errors with their trace and stays alive', async () => {
    const t = start();
    await sleep(20);
    await t.type('nil foo', ENTER);
    await t.until((s) => s.includes('UndefinedObject>>DoIt'), 'the trace');
    await t.until((s) => s.includes('st> nil foo\nMessageNotUnderstood: UndefinedObject>>foo\n  UndefinedObject(Object)>>doesNotUnderstand: #foo\n  UndefinedObject>>DoIt\n'), JSON.stringify('st> nil foo\nMessageNotUnderstood: UndefinedObject>>foo\n  UndefinedObject(Object)>>doesNotUnderstand: #foo\n  UndefinedObject>>DoIt\n'));
    await t.type('1 + 2', ENTER);
    await t.until((s) => s.includes('\n3\n'), 'the next result');
    await t.type('.browse Nope', ENTER);
    await t.until((s) => s.includes('no class named Nope'), 'the command error');
  });

  it('shows Transcript output while an evaluation is still running', async () => {
    const session = new FakeSession();
    let release = () => {};
    session.scripts.set('work', async (s) => {
      s.transcript('step 1\nhalf');
      await new Promise<void>((r) => (release = r));
      s.transcript(' done\n');
      return { kind: 'value', printString: 'finished' };
    });
    const t = start({ session });
    await sleep(20);
    await t.type('work', ENTER);
    await t.until((s) => s.includes('step 1\nhalf'), 'transcript during the evaluation');
    expect(t.screen()).not.toMatch(/st>$/);
    release();
    await t.until((s) => s.includes('step 1\nhalf done\nfinished\nst>'), 'the end');
  });

  it('starts a result on its own line after unfinished Transcript text', async () => {
    const t = start();
    await sleep(20);
    await t.type("Transcript show: 'abc'", ENTER);
    await t.until((s) => s.includes("st> Transcript show: 'abc'\nabc\na Transcript\n"), 'the result');
  });

  it('interrupts a running evaluation with Ctrl-C and shows the busy line', async () => {
    const t = start({ busyDelayMs: 50 });
    await sleep(20);
    await t.type('(Delay forMilliseconds: 10000) wait', ENTER);
    await t.until((s) => /running \d+\.\ds \(Ctrl-C interrupts\)/.test(s), 'the busy line');
    await t.type('1 + 1', ENTER); // typed ahead, run after the interrupt
    await t.type(CTRL_C);
    await t.until((s) => s.includes('Interrupted\n  Delay>>wait\n  UndefinedObject>>DoIt'), 'the interrupt');
    await t.until((s) => s.includes('st> 1 + 1\n2\n'), 'the typed-ahead input');
    expect(t.session.calls).toContain('interrupt');
    expect(t.exits()).toBe(0);
  });

  it('clears the input on Ctrl-C and exits on a second Ctrl-C on an empty line', async () => {
    const t = start();
    await sleep(20);
    await t.type('3 +', CTRL_C);
    await t.until((s) => s.includes('st> 3 +^C'), JSON.stringify('st> 3 +^C'));
    await t.until((s) => promptOf(s) === 'st>', `prompt ${JSON.stringify('st>')}`);
    await t.type(CTRL_C);
    await t.until((s) => s.includes('(To exit, press Ctrl-C again or Ctrl-D or type .exit)'), JSON.stringify('(To exit, press Ctrl-C again or Ctrl-D or type .exit)'));
    expect(t.exits()).toBe(0);
    await t.type(CTRL_C);
    expect(t.exits()).toBe(1);
  });

  it('exits on Ctrl-D on an empty line and on .exit', async () => {
    const t = start();
    await sleep(20);
    await t.type('ab', '\x1b[D', CTRL_D);
    await t.until((s) => promptOf(s) === 'st> a', `prompt ${JSON.stringify('st> a')}`);
    expect(t.exits()).toBe(0);
    await t.type('\x15', CTRL_D);
    expect(t.exits()).toBe(1);
    const u = start();
    await sleep(20);
    await u.type('.exit', ENTER);
    await u.until(() => u.exits() === 1, 'exit');
  });

  it('splits pasted multi-line text into inputs', async () => {
    const t = start();
    await sleep(20);
    await t.type('x := 3.\r(x +\r 1)\r');
    await t.until((s) => s.includes('st> (x +\n...  1)\n4\n'), 'both inputs');
  });
});
