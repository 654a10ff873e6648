// Small helpers of the run loop (interpreter.ts) kept out of it so it stays one readable
// switch: register stores, the common activation, the Float cases of SEND_SPECIAL. V8
// inlines them.

import type { Heap } from './heap.ts';
import {
  CTX_CLOSURE, CTX_METHOD, CTX_PC, CTX_RECEIVER, CTX_SENDER, CTX_STACKP, CTX_TEMPS,
} from './contexts.ts';
import { FORMAT_SHIFT, Format, HASH_MASK, SLOTS_SHIFT } from './layout.ts';
import { newFloat } from './objects.ts';
import { ClassIndex } from './special.ts';
import type { VMState } from './state.ts';

/** Writes pc and stackp (counts of the temps-and-stack slots in use) into the context at cw. */
export function storeRegisters(words: Uint32Array, cw: number, pc: number, depth: number): void {
  words[cw + CTX_PC] = (pc << 1) | 1;
  words[cw + CTX_STACKP] = (depth << 1) | 1;
}

/**
 * SEND_SPECIAL 0-9 (+ - < > <= >= = ~= * /) when an operand is a Float and the other a Float
 * or SmallInteger: the Float primitives' answer, or 0 to send the message instead (other
 * operands, division by zero). May allocate.
 */
export function floatSpecial(s: VMState, index: number, a: number, b: number): number {
  const heap = s.heap;
  let x: number;
  let y: number;
  if ((a & 1) === 1) x = a >> 1;
  else if ((a & 3) === 0 && heap.classIndexOf(a) === ClassIndex.Float) x = heap.floatValue(a);
  else return 0;
  if ((b & 1) === 1) y = b >> 1;
  else if ((b & 3) === 0 && heap.classIndexOf(b) === ClassIndex.Float) y = heap.floatValue(b);
  else return 0;
  switch (index) {
    case 0: return newFloat(heap, x + y);
    case 1: return newFloat(heap, x - y);
    case 2: return s.bool(x < y);
    case 3: return s.bool(x > y);
    case 4: return s.bool(x <= y);
    case 5: return s.bool(x >= y);
    case 6: return s.bool(x === y);
    case 7: return s.bool(x !== y);
    case 8: return newFloat(heap, x * y);
    default: return y === 0 ? 0 : newFloat(heap, x / y);
  }
}

const CONTEXT_HEADER = (ClassIndex.Context | (Format.INDEXABLE << FORMAT_SHIFT)) >>> 0;

/**
 * The send fast path's activation: a context for method m (which must have no primitive)
 * with receiver r and the argc arguments above word index `at`, bump-allocated in the
 * nursery. Answers the context, or 0 when m has a primitive, its frame is big (a prefixed
 * object) or the nursery is full: the caller then takes the general path (send.ts).
 * Identity hashes of contexts come from their address (cheap, deterministic).
 */
export function activateInNursery(heap: Heap, words: Uint32Array, m: number, sender: number, r: number, at: number, argc: number, nil: number): number {
  const h1 = words[(m >>> 2) + 3];
  const slots = CTX_TEMPS + ((h1 >>> 9) & 0xff);
  const size = 8 + ((slots * 4 + 7) & ~7);
  const p = heap.nurseryTop;
  if (((h1 >>> 17) & 0x3fff) !== 0 || slots >= 255 || p + size > heap.nurseryEnd) return 0;
  heap.nurseryTop = p + size;
  const nw = p >>> 2;
  words[nw] = CONTEXT_HEADER;
  words[nw + 1] = (((p >>> 3) & HASH_MASK) | (slots << SLOTS_SHIFT)) >>> 0;
  const c = nw + 2;
  words[c + CTX_SENDER] = sender;
  words[c + CTX_PC] = 1;
  words[c + CTX_STACKP] = (h1 & 0x1fe) | 1;
  words[c + CTX_METHOD] = m;
  words[c + CTX_CLOSURE] = nil;
  words[c + CTX_RECEIVER] = r;
  for (let i = 0; i < argc; i++) words[c + CTX_TEMPS + i] = words[at + 1 + i];
  for (let i = c + CTX_TEMPS + argc, end = c + slots; i < end; i++) words[i] = nil;
  if ((slots & 1) === 1) words[c + slots] = 0;
  return p;
}
