import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../repl/command.ts';
import { replCommand, replImagePath } from '../../repl/commands/repl.ts';
import { FakeSession } from './fake-session.ts';

function pipedStdin(text: string): NodeJS.ReadStream {
  const r = Readable.from([text]) as unknown as NodeJS.ReadStream;
  (r as { isTTY?: boolean }).isTTY = false;
  return r;
}

function collector() {
  const sink = { text: '', write: (t: string) => ((sink.text += t), true) };
  return sink;
}

describe('strata repl', () => {
  it('takes the image from the argument, --image, or STRATA_IMAGE', () => {
    expect(replImagePath(['a.image'], {})).toBe('a.image');
    expect(replImagePath(['--image', 'b.image'], { STRATA_IMAGE: 'c.image' })).toBe('b.image');
    expect(replImagePath(['--image=b.image'], {})).toBe('b.image');
    expect(replImagePath([], { STRATA_IMAGE: 'c.image' })).toBe('c.image');
    expect(replImagePath([], {})).toBeNull();
    expect(() => replImagePath(['a', 'b'], {})).toThrow(UsageError);
    expect(() => replImagePath(['--image'], {})).toThrow(/--image needs an image path/);
    expect(() => replImagePath(['--fast'], {})).toThrow(/unknown option '--fast'/);
  });

  it('runs piped stdin on the opened session and closes it', async () => {
    const session = new FakeSession('w.image');
    const stdout = collector();
    const stderr = collector();
    const code = await replCommand(['w.image'], {
      env: {},
      openSession: async (path) => {
        expect(path).toBe('w.image');
        return session;
      },
      start: {
        stdin: pipedStdin('3 + 4\nnil foo\n'),
        stdout: stdout as unknown as NodeJS.WriteStream,
        stderr: stderr as unknown as NodeJS.WriteStream,
      },
    });
    expect(code).toBe(1);
    expect(stdout.text).toBe('7\n');
    expect(stderr.text).toMatch(/^MessageNotUnderstood/);
    expect(session.calls.at(-1)).toBe('close');
  });
});
