// The scrollback: every line the REPL has printed, rendered once through ink's <Static>, so
// it stays above the prompt and is never redrawn (Transcript output written during a long
// evaluation appears here as soon as a line is complete).

import { Static, Text } from 'ink';
import type { LogStyle } from '../log.ts';

export interface LogItem {
  /** Unique and increasing: React's key for the item. */
  readonly id: number;
  readonly style: LogStyle;
  readonly text: string;
}

const COLORS: Readonly<Record<LogStyle, string | undefined>> = {
  input: undefined,
  value: undefined,
  error: 'red',
  trace: 'gray',
  info: undefined,
  transcript: undefined,
};

export function LogLineView({ style, text }: { style: LogStyle; text: string }) {
  const color = COLORS[style];
  return color === undefined ? <Text>{text}</Text> : <Text color={color}>{text}</Text>;
}

export function OutputLog({ items }: { items: readonly LogItem[] }) {
  return <Static items={[...items]}>{(item) => <LogLineView key={item.id} style={item.style} text={item.text} />}</Static>;
}
