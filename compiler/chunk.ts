// The chunk format ("fileout", .st) of Smalltalk-80, Squeak and Pharo: a sequence of
// chunks, each ended by `!`, with `!!` standing for a `!` inside a chunk. A chunk is a doit,
// except that `!Foo methodsFor: 'protocol'!` opens a section whose chunks are method sources
// until an empty chunk (`! !`). Class definitions, class-side instance variables and class
// comments are doit chunks of known message forms (chunk-forms.ts), which the reader turns
// into ClassDefinitions; methods for a class the file does not define make an
// ExtensionDefinition. Leading whitespace is not part of a chunk (Squeak's nextChunk).

import { hasCode, matchClassDefinition, matchClassInstVars, matchComment, matchCommentStamp, matchMethodsFor, matchReorganize, malformedMethodsFor, tokenize } from './chunk-forms.ts';
import type { ClassForm, Token } from './chunk-forms.ts';
import { checkClassDefinition, composedCategory, definitionError, packageAndTag } from './definition-checks.ts';
import type { ClassDefinition, Definition, MethodDefinition } from './definitions.ts';
import { SourceText, badVariableNames, chunkOffsetToFile, escapeChunk, isIdentifier, readChunk } from './source-scan.ts';
import type { Chunk, ChunkMode } from './source-scan.ts';

/** Reads a chunk-format file into definitions, in file order. */
export function readChunkFile(text: string, fileName: string): Definition[] {
  return new ChunkFileReader(new SourceText(text, fileName)).read();
}

class ChunkFileReader {
  readonly src: SourceText;
  readonly defs: Definition[];
  /** Classes this file defines, by name, so that later chunks can add to them. */
  readonly classes: Map<string, ClassDefinition>;
  /** Classes for which an ExtensionDefinition has been made. */
  readonly extended: Set<string>;
  pos: number;

  constructor(src: SourceText) {
    this.src = src;
    this.defs = [];
    this.classes = new Map();
    this.extended = new Set();
    this.pos = 0;
  }

  read(): Definition[] {
    for (;;) {
      const chunk = this.next('code');
      if (!chunk) return this.defs;
      const tokens = tokenize(chunk.text);
      if (tokens !== null && tokens.length === 0) continue; // only comments
      if (tokens === null || !this.definition(chunk, tokens)) {
        this.defs.push({ kind: 'doit', source: chunk.text, position: this.src.position(chunk.start) });
      }
    }
  }

  /** The next terminated chunk, or null at the end of the file. An unterminated chunk at
   *  the end is an error unless it holds only comments. */
  private next(mode: ChunkMode): Chunk | null {
    const chunk = readChunk(this.src, this.pos, mode);
    if (!chunk) return null;
    this.pos = chunk.next;
    if (chunk.terminated) return chunk;
    if (!hasCode(chunk.text)) return null;
    throw this.src.error(this.src.endOfContent(), `expected ! to end the chunk that starts at ${this.src.where(chunk.start)}`);
  }

  private errorAt(chunk: Chunk, tokenOffset: number, reason: string): Error {
    return this.src.error(chunkOffsetToFile(chunk, tokenOffset), reason);
  }

  /** Handles a chunk of a definition form; false when it is a plain doit. */
  private definition(chunk: Chunk, tokens: Token[]): boolean {
    const section = matchMethodsFor(tokens);
    if (section) {
      this.methods(section.className, section.isMeta, section.category);
      return true;
    }
    const sent = malformedMethodsFor(tokens);
    if (sent) {
      const receiver = chunk.text.slice(tokens[0]!.offset, sent.offset).trim();
      throw this.errorAt(chunk, tokens[0]!.offset, `bad class name '${receiver}' before methodsFor: expected Foo methodsFor: 'protocol' or Foo class methodsFor: 'protocol'`);
    }
    const form = matchClassDefinition(tokens);
    if (form) {
      const def = this.classDefinition(chunk, form);
      this.classes.set(def.name, def);
      this.defs.push(def);
      return true;
    }
    const civ = matchClassInstVars(tokens);
    const target = civ && this.classes.get(civ.className);
    if (civ && target) {
      target.classInstVars = this.names(chunk, civ.names.value, civ.names.offset, 'class-side instance variable');
      return true;
    }
    const comment = matchComment(tokens);
    const commented = comment && this.classes.get(comment.className);
    if (comment && commented) {
      commented.comment = comment.comment;
      return true;
    }
    const stamp = matchCommentStamp(tokens);
    if (stamp) {
      const text = this.next('text');
      if (!text) throw this.src.error(this.src.endOfContent(), `expected the comment of ${stamp.className} after its commentStamp: chunk`);
      const cls = this.classes.get(stamp.className);
      if (cls) cls.comment = text.text;
      else this.defs.push({ kind: 'doit', source: `${stamp.className} comment: ${stringLiteral(text.text)}`, position: this.src.position(text.start) });
      return true;
    }
    if (matchReorganize(tokens)) {
      this.next('text');
      return true;
    }
    return false;
  }

  private classDefinition(chunk: Chunk, form: ClassForm): ClassDefinition {
    const name = form.name.value;
    if (!isIdentifier(name)) throw this.errorAt(chunk, form.name.offset, `bad class name '${name}': expected an identifier`);
    const arg = (k: string) => form.args.get(k);
    const names = (k: string, what: string) => {
      const a = arg(k);
      return a ? this.names(chunk, a.value, a.offset, what) : [];
    };
    const place = packageAndTag(arg('category')?.value, arg('package')?.value, arg('tag')?.value)!;
    return {
      kind: 'class',
      name,
      superclass: form.superclass,
      instVars: names('instanceVariableNames', 'instance variable'),
      classVars: names('classVariableNames', 'class variable'),
      classInstVars: [],
      pools: names('poolDictionaries', 'pool'),
      ...place,
      type: form.type,
      comment: '',
      position: this.src.position(chunk.start),
    };
  }

  private names(chunk: Chunk, text: string, offset: number, what: string): string[] {
    const list = text.split(/\s+/).filter((s) => s !== '');
    const bad = badVariableNames(list, what);
    if (bad) throw this.errorAt(chunk, offset, bad);
    return list;
  }

  /** The method chunks of a `methodsFor:` section, up to its empty chunk (or the end of the
   *  file); chunks of nothing but comments are skipped. */
  private methods(className: string, isMeta: boolean, category: string): void {
    for (;;) {
      const chunk = this.next('code');
      if (!chunk || chunk.text === '') return;
      if (!hasCode(chunk.text)) continue;
      if (!this.classes.has(className) && !this.extended.has(className)) {
        this.extended.add(className);
        this.defs.push({ kind: 'extension', name: className, position: this.src.position(chunk.start) });
      }
      this.defs.push({ kind: 'method', className, isMeta, category, source: chunk.text, position: this.src.position(chunk.start) });
    }
  }
}

/** A Smalltalk string literal: quotes doubled. */
function stringLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const SUBCLASS_KEYWORD: Record<ClassDefinition['type'], string> = {
  normal: 'subclass:',
  variable: 'variableSubclass:',
  bytes: 'variableByteSubclass:',
  words: 'variableWordSubclass:',
  weak: 'weakSubclass:',
  // The chunk format has no form of its own for CompiledMethod's layout.
  compiledMethod: 'variableByteSubclass:',
};

/** Writes definitions as a chunk file that readChunkFile reads back to the same
 *  definitions. Consecutive methods of one class side and protocol share a `methodsFor:`
 *  section; ExtensionDefinitions are implicit (methods for a class the file does not
 *  define); doits of nothing but comments are left out. */
export function writeChunkFile(defs: Definition[]): string {
  const out: string[] = [];
  let section: MethodDefinition | null = null;
  const closeSection = (): void => {
    if (section) out.push(' !\n\n');
    section = null;
  };
  for (const d of defs) {
    if (d.kind === 'method') {
      const s: MethodDefinition | null = section;
      if (s && s.className === d.className && s.isMeta === d.isMeta && s.category === d.category) out.push('\n\n');
      else {
        closeSection();
        out.push(`!${d.className}${d.isMeta ? ' class' : ''} methodsFor: ${escapeChunk(stringLiteral(d.category))}!\n`);
        section = d;
      }
      out.push(chunkText(d, d.source.trimStart()), '!');
      continue;
    }
    closeSection();
    if (d.kind === 'class') out.push(classChunks(d));
    else if (d.kind === 'doit') {
      if (tokenize(d.source)?.length !== 0) out.push(chunkText(d, d.source.trimStart()), '!\n\n');
    }
  }
  closeSection();
  return out.join('');
}

function classChunks(d: ClassDefinition): string {
  checkClassDefinition(d);
  const lines = [
    `${d.superclass ?? 'nil'} ${SUBCLASS_KEYWORD[d.type]} #${d.name}`,
    `\tinstanceVariableNames: ${stringLiteral(d.instVars.join(' '))}`,
    `\tclassVariableNames: ${stringLiteral(d.classVars.join(' '))}`,
  ];
  if (d.pools.length > 0) lines.push(`\tpoolDictionaries: ${stringLiteral(d.pools.join(' '))}`);
  if (d.category !== composedCategory(d.package, d.tag)) lines.push(`\tcategory: ${stringLiteral(d.category)}`);
  lines.push(`\tpackage: ${stringLiteral(d.package)}`);
  if (d.tag !== null) lines.push(`\ttag: ${stringLiteral(d.tag)}`);
  let out = escapeChunk(lines.join('\n')) + '!\n\n';
  out += `${d.name} class\n\tinstanceVariableNames: ${escapeChunk(stringLiteral(d.classInstVars.join(' ')))}!\n\n`;
  if (d.comment !== '') out += `${d.name} comment: ${escapeChunk(stringLiteral(d.comment))}!\n\n`;
  return out;
}

/** The escaped text of one chunk. It reads back as exactly this chunk when every `!` is
 *  doubled and its strings and comments close (otherwise the reader's string-aware scan
 *  would run past the terminator), and when it is not empty (which would end a section). */
function chunkText(d: Definition, text: string): string {
  const tokens = tokenize(text);
  if (tokens === null) {
    throw definitionError(d, 'cannot write this as a chunk: a string or comment in it does not close, so it would not read back');
  }
  if (tokens.length === 0) {
    throw definitionError(d, 'cannot write an empty method: a chunk of nothing but blanks or comments ends its methodsFor: section');
  }
  return escapeChunk(text);
}
