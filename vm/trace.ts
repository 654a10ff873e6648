// Smalltalk stack traces: one line per context, `Foo>>bar (file:line)`, `[] in Foo>>bar
// (file:line)`, `UndefinedObject>>DoIt (line)`. The line comes from the method's source map
// (pc -> source offset) and the `file`/`line` entries of its properties.

import type { Heap } from './heap.ts';
import { className } from './classes.ts';
import { CTX_CLOSURE, CTX_METHOD, CTX_PC, CTX_SENDER, isContext } from './contexts.ts';
import { isCompiledMethod, methodClass, methodProperties, methodSelector, methodSource } from './method-layout.ts';
import { isStringLike, stringValue } from './objects.ts';
import { isSmallInt, smallIntValue } from './oop.ts';

const PROP_SOURCE_MAP = 2;
const PROP_FILE = 3;
const PROP_LINE = 4;

/** Decodes a source map ByteArray into [pc, start, end] triples. */
export function decodeSourceMap(bytes: Uint8Array): [number, number, number][] {
  const values: number[] = [];
  let v = 0;
  let shift = 0;
  for (const b of bytes) {
    v += (b & 0x7f) * 2 ** shift;
    if (b & 0x80) shift += 7;
    else { values.push(v); v = 0; shift = 0; }
  }
  const out: [number, number, number][] = [];
  for (let i = 0; i + 2 < values.length; i += 3) out.push([values[i], values[i + 1], values[i + 2]]);
  return out;
}

/** Source offset of the instruction executing at (or just before) pc, or -1. */
export function sourceOffsetAt(heap: Heap, method: number, pc: number): number {
  const props = methodProperties(heap, method);
  if ((props & 3) !== 0 || props === heap.nilOop || heap.slotCount(props) <= PROP_SOURCE_MAP) return -1;
  const map = heap.fetch(props, PROP_SOURCE_MAP);
  if ((map & 3) !== 0 || map === heap.nilOop || !heap.isBytes(map)) return -1;
  let best = -1;
  for (const [p, start] of decodeSourceMap(heap.bytesOf(map))) {
    if (p < pc) best = start;
    else break;
  }
  return best;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `Foo>>bar` / `Foo class>>bar` for a method. */
export function methodName(heap: Heap, method: number): string {
  if (!isCompiledMethod(heap, method)) return '<not a method>';
  const sel = methodSelector(heap, method);
  const selector = isStringLike(heap, sel) ? stringValue(heap, sel) : '?';
  return `${className(heap, methodClass(heap, method))}>>${selector}`;
}

/** Frames of methods the VM makes for itself (evaluation base, trampolines): selector `<vm>`. */
function isVMFrame(heap: Heap, ctx: number): boolean {
  const m = heap.fetch(ctx, CTX_METHOD);
  if (!isCompiledMethod(heap, m)) return false;
  const sel = methodSelector(heap, m);
  return isStringLike(heap, sel) && heap.byteLength(sel) === 4 && stringValue(heap, sel) === '<vm>';
}

/** The trace line for one context. */
export function contextLine(heap: Heap, ctx: number): string {
  const method = heap.fetch(ctx, CTX_METHOD);
  const isBlock = heap.fetch(ctx, CTX_CLOSURE) !== heap.nilOop;
  const name = (isBlock ? '[] in ' : '') + methodName(heap, method);
  if (!isCompiledMethod(heap, method)) return name;
  const pcOop = heap.fetch(ctx, CTX_PC);
  const pc = isSmallInt(pcOop) ? smallIntValue(pcOop) : 0;
  const offset = sourceOffsetAt(heap, method, pc);
  const props = methodProperties(heap, method);
  const hasProps = (props & 3) === 0 && props !== heap.nilOop && heap.slotCount(props) > PROP_LINE;
  const fileOop = hasProps ? heap.fetch(props, PROP_FILE) : heap.nilOop;
  const firstLineOop = hasProps ? heap.fetch(props, PROP_LINE) : heap.nilOop;
  const srcOop = methodSource(heap, method);
  let line = 0;
  if (isStringLike(heap, srcOop)) line = offset >= 0 ? lineOf(stringValue(heap, srcOop), offset) : 1;
  if (line > 0 && isSmallInt(firstLineOop)) line += smallIntValue(firstLineOop) - 1;
  const file = isStringLike(heap, fileOop) ? stringValue(heap, fileOop) : null;
  if (line <= 0) return file ? `${name} (${file})` : name;
  return file ? `${name} (${file}:${line})` : `${name} (${line})`;
}

/**
 * Trace lines from ctx through its senders, stopping before `stopAt` (the VM's evaluation
 * base, which is not user code); long traces keep their head and tail.
 */
export function contextTrace(heap: Heap, ctx: number, stopAt = 0, limit = 60): string[] {
  const all: number[] = [];
  for (let c = ctx; isContext(heap, c) && c !== stopAt && all.length < 1_000_000; c = heap.fetch(c, CTX_SENDER)) {
    if (!isVMFrame(heap, c)) all.push(c);
  }
  if (all.length <= limit) return all.map((c) => contextLine(heap, c));
  const head = all.slice(0, limit - 10).map((c) => contextLine(heap, c));
  const tail = all.slice(all.length - 10).map((c) => contextLine(heap, c));
  return [...head, `... ${all.length - limit} more frames ...`, ...tail];
}
