// Drives a program in a real terminal: a tmux session on a private server socket, typed into
// with send-keys and read with capture-pane. Used by the end-to-end REPL tests.
//
// tmux ends a command at an argument that ends in ';', so typed text has a trailing ';'
// escaped as '\;' (which tmux turns back into ';').

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STRATA = `${ROOT}bin/strata.mjs`;

/** Whether tmux can be run here; the end-to-end tests skip (saying so) when it cannot. */
export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

let servers = 0;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

export class Terminal {
  readonly socket: string;
  private alive: boolean;

  /** Starts `argv` in a new terminal of the given size, in `cwd`, with `env` added. */
  constructor(argv: readonly string[], options: { cwd: string; env: Record<string, string>; width?: number; height?: number }) {
    this.socket = `strata-e2e-${process.pid}-${++servers}`;
    // CI=true always: a terminal opened by a CI job must still get the interactive REPL
    // (ink suppresses interactive drawing when it sees CI), so every run checks that case.
    const env = Object.entries({ CI: 'true', ...options.env }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    const command = `cd ${shellQuote(options.cwd)} && exec env ${env} ${argv.map(shellQuote).join(' ')}`;
    this.tmux('new-session', '-d', '-s', 'main', '-x', String(options.width ?? 110), '-y', String(options.height ?? 40), command);
    // Keep the pane (and what it shows) after the program ends or is killed.
    this.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
    this.alive = true;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Types text literally (no Enter). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text);
  }

  /** Presses keys by tmux name: 'Enter', 'C-c', 'C-d', 'Up'. */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Types each line followed by Enter. */
  enter(...lines: string[]): void {
    for (const line of lines) {
      this.type(line);
      this.press('Enter');
    }
  }

  /** Everything the terminal shows and has scrolled off, trailing blank lines removed. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main', '-S', '-', '-E', '-').replace(/\s+$/, '');
  }

  /** The process id of the program in the terminal. */
  pid(): number {
    return Number(this.tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').trim());
  }

  /** Whether the program has ended. */
  exited(): boolean {
    return this.tmux('display-message', '-p', '-t', 'main', '#{pane_dead}').trim() === '1';
  }

  /** Waits until the screen matches `pattern` (after `from` characters of it); answers the
   *  screen. Fails with the screen in the message on timeout. */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000, from = 0): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      const tail = text.slice(from);
      if (typeof pattern === 'string' ? tail.includes(pattern) : pattern.test(tail)) return text;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; the terminal shows:\n${text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async waitForExit(timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!this.exited()) {
      if (performance.now() > deadline) throw new Error(`the program did not exit; the terminal shows:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    if (!this.alive) return;
    this.alive = false;
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    // The server leaves its socket file behind.
    const uid = process.getuid?.() ?? 0;
    fs.rmSync(path.join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${uid}`, this.socket), { force: true });
  }
}
