// The line shown while an evaluation runs for longer than a second: a spinner, the elapsed
// time and how to interrupt.

import { Text } from 'ink';

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function BusyLine({ elapsedMs }: { elapsedMs: number }) {
  const frame = FRAMES[Math.floor(elapsedMs / 100) % FRAMES.length];
  return (
    <Text color="yellow">
      {frame} running {formatElapsed(elapsedMs)} <Text dimColor>(Ctrl-C interrupts)</Text>
    </Text>
  );
}
