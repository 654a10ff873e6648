// The input being edited: one row per line with the prompt or the continuation prompt, the
// cursor drawn as an inverse cell, and the completion candidates under it while Tab cycles.

import { Box, Text } from 'ink';
import type { EditorState } from '../line-editor.ts';
import { cursorPosition } from '../line-editor.ts';
import { CONTINUATION_PROMPT, PROMPT } from '../log.ts';

/** How many candidates are listed at once. */
const SHOWN = 40;

function InputLine({ prompt, line, cursor }: { prompt: string; line: string; cursor: number | null }) {
  if (cursor === null) return <Text>{prompt + line}</Text>;
  return (
    <Text>
      {prompt + line.slice(0, cursor)}
      <Text inverse>{line[cursor] ?? ' '}</Text>
      {line.slice(cursor + 1)}
    </Text>
  );
}

function Candidates({ editor }: { editor: EditorState }) {
  const c = editor.completion;
  if (c === null || c.candidates.length < 2) return null;
  const from = Math.max(0, Math.min(c.index - SHOWN + 1, c.candidates.length - SHOWN));
  const shown = c.candidates.slice(from, from + SHOWN);
  const more = c.candidates.length - from - shown.length;
  return (
    <Text dimColor={c.index < 0}>
      {shown.map((cand, i) => (
        <Text key={cand.label} inverse={from + i === c.index}>
          {cand.label}
          {i < shown.length - 1 ? '  ' : ''}
        </Text>
      ))}
      {more > 0 ? `  ... ${more} more` : ''}
    </Text>
  );
}

export function PromptView({ editor, active }: { editor: EditorState; active: boolean }) {
  const lines = editor.text.split('\n');
  const { row, column } = cursorPosition(editor);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <InputLine key={i} prompt={i === 0 ? PROMPT : CONTINUATION_PROMPT} line={line} cursor={active && i === row ? column : null} />
      ))}
      <Candidates editor={editor} />
    </Box>
  );
}
