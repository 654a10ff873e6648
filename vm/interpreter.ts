// The run loop: one switch over Op (vm/opcodes.ts) with the active context's registers in
// locals. Anything long or rare is a helper in send.ts; helpers leave the next context's
// registers in the heap and the loop reloads them (`continue outer`). The common send (a
// method-cache hit on a method without primitive) and return (to a live sender) are inline.
//
// Registers: ctx (active context oop), cw (word index of its slot 0), fp (word index of temp
// 0), sp (word index of the stack top), ip (byte address of the next instruction), codeBase
// (byte address of bytecode 0), litBase (word index of literal 0), rcvr. Typed-array views
// are re-read after anything that may allocate (a heap growth replaces the buffer).
//
// Write barrier: the active context is written without one; this is safe because a context
// becomes active only through the reload below, which remembers it when it is not in the
// nursery (and GC only happens there too). Stores into other objects use heap.store.
//
// Safe points: the top of `outer` (GC when requested, end of slice). Sends and backward jumps
// spend the slice budget, so a slice always ends within a bounded number of bytecodes.

import { CLASS_INDEX_MASK, Format, IMMUTABLE_BIT, SLOTS_SHIFT } from './layout.ts';
import { Op, SPECIAL_SELECTORS } from './opcodes.ts';
import { ClassIndex, Special } from './special.ts';
import type { VMState } from './state.ts';
import {
  CTX_CLOSURE, CTX_METHOD, CTX_PC, CTX_RECEIVER, CTX_SENDER, CTX_STACKP, CTX_TEMPS, newClosure,
} from './contexts.ts';
import {
  activateClosure, localReturn, methodReturn, mustBeBoolean, send, superSend, vmFatal,
} from './send.ts';
import { METHOD_CACHE_SIZE, classAtIndex } from './classes.ts';
import { activateInNursery, floatSpecial, storeRegisters } from './inline-ops.ts';

const CACHE_MASK = METHOD_CACHE_SIZE - 1;
const SMALL_MIN = -(2 ** 30);
const SMALL_MAX = 2 ** 30 - 1;
const SPECIAL_ARGC: readonly number[] = SPECIAL_SELECTORS.map(([, n]) => n);

/** Runs the active evaluation for about `budget` sends/backward jumps, or until it ends. */
export function interpret(s: VMState, budget: number): void {
  const heap = s.heap;
  const nurseryEnd = heap.nurseryEnd;
  const cacheClasses = s.cache.classIndexes;
  const cacheSelectors = s.cache.selectors;
  const cacheMethods = s.cache.methods;
  let words = heap.words;
  let bytes = heap.bytes;
  let nil = 0;
  let trueOop = 0;
  let falseOop = 0;

  // The registers (see the header comment).
  let ctx = 0;
  let cw = 0;
  let method = 0;
  let rcvr = 0;
  let fp = 0;
  let sp = 0;
  let litBase = 0;
  let codeBase = 0;
  let ip = 0;
  // Re-entered after every helper (and when an inline send or return must check more):
  // the checks and reloads here are the safe point. The inline send and return paths switch
  // contexts without coming back here when the new context is in the nursery and the budget
  // is not spent (they allocate only in the nursery, so no GC can be pending because of them).
  outer: for (;;) {
    ctx = s.ctx;
    if (ctx === 0 || s.outcome !== null) return;
    if (ctx >= nurseryEnd) {
      heap.remember(ctx);
      if (ctx < heap.savedEnd) heap.markDirty(ctx, 8 + heap.slotCount(ctx) * 4);
    }
    if (heap.gcRequested) {
      s.collectGarbage();
      continue;
    }
    if (budget <= 0 || s.interruptRequested) return;
    // A helper may have collected garbage (allInstances does) or grown the heap.
    words = heap.words;
    bytes = heap.bytes;
    nil = s.nil;
    trueOop = s.trueOop;
    falseOop = s.falseOop;
    cw = (ctx >>> 2) + 2;
    method = words[cw + CTX_METHOD];
    rcvr = words[cw + CTX_RECEIVER];
    fp = cw + CTX_TEMPS;
    const pcOop = words[cw + CTX_PC];
    if ((pcOop & 1) === 0) {
      vmFatal(s, 'resumed a context that has already returned');
      return;
    }
    sp = fp + (words[cw + CTX_STACKP] >> 1) - 1;
    litBase = (method >>> 2) + 4;
    codeBase = method + 8 + ((2 + ((words[(method >>> 2) + 2] >>> 1) & 0xffff)) << 2);
    ip = codeBase + (pcOop >> 1);

    for (;;) {
      // Set by SEND and by SEND_SPECIAL's general case, which `break` out of the switch
      // into the common send code below it; every other case `continue`s.
      let selector = 0;
      let argc = 0;
      switch (bytes[ip]) {
        case Op.PUSH_SELF: words[++sp] = rcvr; ip += 1; continue;
        case Op.PUSH_NIL: words[++sp] = nil; ip += 1; continue;
        case Op.PUSH_TRUE: words[++sp] = trueOop; ip += 1; continue;
        case Op.PUSH_FALSE: words[++sp] = falseOop; ip += 1; continue;
        case Op.PUSH_THIS_CONTEXT: words[++sp] = ctx; ip += 1; continue;
        case Op.PUSH_INT: words[++sp] = ((((bytes[ip + 1] << 24) >> 24) << 1) | 1) >>> 0; ip += 2; continue;
        case Op.PUSH_LITERAL: words[++sp] = words[litBase + (bytes[ip + 1] | (bytes[ip + 2] << 8))]; ip += 3; continue;
        case Op.PUSH_GLOBAL: {
          const assoc = words[litBase + (bytes[ip + 1] | (bytes[ip + 2] << 8))];
          words[++sp] = words[(assoc >>> 2) + 3];
          ip += 3;
          continue;
        }
        case Op.STORE_GLOBAL: {
          const assoc = words[litBase + (bytes[ip + 1] | (bytes[ip + 2] << 8))];
          heap.store(assoc, 1, words[sp]);
          ip += 3;
          continue;
        }
        case Op.PUSH_INST_VAR: words[++sp] = words[(rcvr >>> 2) + 2 + bytes[ip + 1]]; ip += 2; continue;
        case Op.STORE_INST_VAR: heap.store(rcvr, bytes[ip + 1], words[sp]); ip += 2; continue;
        case Op.POP_STORE_INST_VAR: heap.store(rcvr, bytes[ip + 1], words[sp--]); ip += 2; continue;
        case Op.PUSH_TEMP: words[++sp] = words[fp + bytes[ip + 1]]; ip += 2; continue;
        case Op.STORE_TEMP: words[fp + bytes[ip + 1]] = words[sp]; ip += 2; continue;
        case Op.POP_STORE_TEMP: words[fp + bytes[ip + 1]] = words[sp--]; ip += 2; continue;
        case Op.PUSH_NEW_ARRAY: {
          const array = heap.allocate(ClassIndex.Array, Format.INDEXABLE, bytes[ip + 1]);
          words = heap.words;
          bytes = heap.bytes;
          words[++sp] = array;
          ip += 2;
          continue;
        }
        case Op.PUSH_REMOTE_TEMP: {
          const vector = words[fp + bytes[ip + 2]];
          words[++sp] = words[(vector >>> 2) + 2 + bytes[ip + 1]];
          ip += 3;
          continue;
        }
        case Op.STORE_REMOTE_TEMP: heap.store(words[fp + bytes[ip + 2]], bytes[ip + 1], words[sp]); ip += 3; continue;
        case Op.POP_STORE_REMOTE_TEMP: heap.store(words[fp + bytes[ip + 2]], bytes[ip + 1], words[sp--]); ip += 3; continue;
        case Op.POP_INTO_ARRAY: {
          const n = bytes[ip + 1];
          const array = heap.allocate(ClassIndex.Array, Format.INDEXABLE, n);
          words = heap.words;
          bytes = heap.bytes;
          sp -= n;
          for (let i = 0; i < n; i++) heap.store(array, i, words[sp + 1 + i]);
          words[++sp] = array;
          ip += 2;
          continue;
        }
        case Op.POP: sp--; ip += 1; continue;
        case Op.DUP: words[sp + 1] = words[sp]; sp++; ip += 1; continue;

        case Op.SEND:
          selector = words[litBase + (bytes[ip + 1] | (bytes[ip + 2] << 8))];
          argc = bytes[ip + 3];
          ip += 4;
          break;
        case Op.SUPER_SEND: {
          const sel = words[litBase + (bytes[ip + 1] | (bytes[ip + 2] << 8))];
          const n = bytes[ip + 3];
          ip += 4;
          budget--;
          storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
          superSend(s, sel, n);
          continue outer;
        }

        case Op.SEND_SPECIAL: {
          const index = bytes[ip + 1];
          const a = words[sp - 1];
          const b = words[sp];
          switch (index) {
            case 0: // +
              if ((a & b & 1) === 1) {
                const r = (a >> 1) + (b >> 1);
                if (r >= SMALL_MIN && r <= SMALL_MAX) { words[--sp] = ((r << 1) | 1) >>> 0; ip += 2; continue; }
              }
              break;
            case 1: // -
              if ((a & b & 1) === 1) {
                const r = (a >> 1) - (b >> 1);
                if (r >= SMALL_MIN && r <= SMALL_MAX) { words[--sp] = ((r << 1) | 1) >>> 0; ip += 2; continue; }
              }
              break;
            case 2: if ((a & b & 1) === 1) { words[--sp] = (a >> 1) < (b >> 1) ? trueOop : falseOop; ip += 2; continue; } break;
            case 3: if ((a & b & 1) === 1) { words[--sp] = (a >> 1) > (b >> 1) ? trueOop : falseOop; ip += 2; continue; } break;
            case 4: if ((a & b & 1) === 1) { words[--sp] = (a >> 1) <= (b >> 1) ? trueOop : falseOop; ip += 2; continue; } break;
            case 5: if ((a & b & 1) === 1) { words[--sp] = (a >> 1) >= (b >> 1) ? trueOop : falseOop; ip += 2; continue; } break;
            case 6: if ((a & b & 1) === 1) { words[--sp] = a === b ? trueOop : falseOop; ip += 2; continue; } break;
            case 7: if ((a & b & 1) === 1) { words[--sp] = a !== b ? trueOop : falseOop; ip += 2; continue; } break;
            case 8: // *
              if ((a & b & 1) === 1) {
                const r = (a >> 1) * (b >> 1);
                if (r >= SMALL_MIN && r <= SMALL_MAX) { words[--sp] = ((r << 1) | 1) >>> 0; ip += 2; continue; }
              }
              break;
            case 10: // \\ (floored modulo)
              if ((a & b & 1) === 1 && b !== 1) {
                const y = b >> 1;
                let r = (a >> 1) % y;
                if (r !== 0 && (r < 0) !== (y < 0)) r += y;
                words[--sp] = ((r << 1) | 1) >>> 0; ip += 2; continue;
              }
              break;
            case 11: // // (floored division)
              if ((a & b & 1) === 1 && b !== 1) {
                const r = Math.floor((a >> 1) / (b >> 1));
                if (r >= SMALL_MIN && r <= SMALL_MAX) { words[--sp] = ((r << 1) | 1) >>> 0; ip += 2; continue; }
              }
              break;
            case 12: if ((a & b & 1) === 1) { words[--sp] = (a & b) >>> 0; ip += 2; continue; } break;
            case 13: if ((a & b & 1) === 1) { words[--sp] = (a | b) >>> 0; ip += 2; continue; } break;
            case 16: { // at:
              if ((a & 3) === 0 && (b & 1) === 1) {
                const aw = a >>> 2;
                const ci = words[aw] & CLASS_INDEX_MASK;
                const i = (b >> 1) - 1;
                if (ci === ClassIndex.Array) {
                  let n = (words[aw + 1] >>> SLOTS_SHIFT) & 0xff;
                  if (n === 255) n = words[aw - 2];
                  if (i >= 0 && i < n) { words[--sp] = words[aw + 2 + i]; ip += 2; continue; }
                } else if (ci === ClassIndex.String) {
                  if (i >= 0 && i < heap.byteLength(a)) { words[--sp] = ((bytes[a + 8 + i] << 2) | 2) >>> 0; ip += 2; continue; }
                }
              }
              break;
            }
            case 17: { // at:put:
              const r = words[sp - 2];
              if ((r & 3) === 0 && (a & 1) === 1) {
                const rw = r >>> 2;
                const h = words[rw] & (CLASS_INDEX_MASK | IMMUTABLE_BIT);
                const i = (a >> 1) - 1;
                if (h === ClassIndex.Array) {
                  let n = (words[rw + 1] >>> SLOTS_SHIFT) & 0xff;
                  if (n === 255) n = words[rw - 2];
                  if (i >= 0 && i < n) {
                    words[rw + 2 + i] = b;
                    if (r >= nurseryEnd) heap.barrier(r, (rw + 2 + i) << 2, b);
                    sp -= 2; words[sp] = b; ip += 2; continue;
                  }
                } else if (h === ClassIndex.String && (b & 3) === 2 && (b >>> 2) < 256) {
                  if (i >= 0 && i < heap.byteLength(r)) { heap.byteAtPut(r, i, b >>> 2); sp -= 2; words[sp] = b; ip += 2; continue; }
                }
              }
              break;
            }
            case 18: { // size
              if ((b & 3) === 0) {
                const h = words[b >>> 2];
                const ci = h & CLASS_INDEX_MASK;
                if (ci === ClassIndex.Array) { words[sp] = ((heap.slotCount(b) << 1) | 1) >>> 0; ip += 2; continue; }
                if (ci === ClassIndex.String) { words[sp] = ((heap.byteLength(b) << 1) | 1) >>> 0; ip += 2; continue; }
              }
              break;
            }
            case 19: case 20: { // value, value:
              const argc = index - 19;
              const closure = words[sp - argc];
              if ((closure & 3) === 0 && (words[closure >>> 2] & CLASS_INDEX_MASK) === ClassIndex.BlockClosure) {
                ip += 2;
                budget--;
                storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
                s.sp = sp;
                if (activateClosure(s, argc)) continue outer;
                ip -= 2;
              }
              break;
            }
            case 21: { // class
              const ci = (b & 1) === 1 ? ClassIndex.SmallInteger : (b & 3) === 2 ? ClassIndex.Character : words[b >>> 2] & CLASS_INDEX_MASK;
              words[sp] = classAtIndex(heap, ci);
              ip += 2;
              continue;
            }
            case 26: words[--sp] = a === b ? trueOop : falseOop; ip += 2; continue; // ==
            case 27: words[--sp] = a !== b ? trueOop : falseOop; ip += 2; continue; // ~~
          }
          if (index <= 9 && ((a & 3) === 0 || (b & 3) === 0)) {
            const r = floatSpecial(s, index, a, b);
            if (r !== 0) {
              words = heap.words;
              bytes = heap.bytes;
              words[--sp] = r;
              ip += 2;
              continue;
            }
          }
          // The general case: an ordinary send of the special selector.
          selector = words[(words[(heap.specialObjects >>> 2) + 2 + Special.specialSelectors] >>> 2) + 2 + index];
          argc = SPECIAL_ARGC[index];
          ip += 2;
          break;
        }

        case Op.PUSH_CLOSURE: {
          const copied = bytes[ip + 1];
          sp -= copied;
          const closure = newClosure(heap, ctx, ip + 6 - codeBase, bytes[ip + 2], copied, sp + 1);
          words = heap.words;
          bytes = heap.bytes;
          words[++sp] = closure;
          ip += 6 + (bytes[ip + 4] | (bytes[ip + 5] << 8));
          continue;
        }

        case Op.JUMP: {
          const offset = ((bytes[ip + 1] | (bytes[ip + 2] << 8)) << 16) >> 16;
          ip += 3 + offset;
          if (offset < 0 && --budget <= 0) {
            storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
            continue outer;
          }
          continue;
        }
        case Op.JUMP_TRUE: case Op.JUMP_FALSE: {
          const v = words[sp--];
          const taken = bytes[ip] === Op.JUMP_TRUE ? trueOop : falseOop;
          if (v === taken) {
            const offset = ((bytes[ip + 1] | (bytes[ip + 2] << 8)) << 16) >> 16;
            ip += 3 + offset;
            if (offset < 0 && --budget <= 0) {
              storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
              continue outer;
            }
            continue;
          }
          if (v === trueOop || v === falseOop) { ip += 3; continue; }
          storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
          mustBeBoolean(s, v);
          continue outer;
        }
        case Op.JUMP_NIL: case Op.JUMP_NOT_NIL: {
          const v = words[sp--];
          if ((v === nil) === (bytes[ip] === Op.JUMP_NIL)) ip += 3 + (((bytes[ip + 1] | (bytes[ip + 2] << 8)) << 16) >> 16);
          else ip += 3;
          continue;
        }

        case Op.RETURN_TOP: case Op.RETURN_SELF: case Op.BLOCK_RETURN: {
          const op = bytes[ip];
          const value = op === Op.RETURN_SELF ? rcvr : words[sp--];
          const sender = words[cw + CTX_SENDER];
          if ((op === Op.BLOCK_RETURN || words[cw + CTX_CLOSURE] === nil) && sender !== nil
            && (words[(sender >>> 2) + 2 + CTX_PC] & 1) === 1 && sender !== 0) {
            // The common case inline: a live sender receives the value.
            words[cw + CTX_PC] = nil;
            words[cw + CTX_SENDER] = nil;
            const sw = (sender >>> 2) + 2;
            const depth = (words[sw + CTX_STACKP] >> 1) + 1;
            words[sw + CTX_STACKP] = (depth << 1) | 1;
            words[sw + CTX_TEMPS + depth - 1] = value;
            s.ctx = sender;
            if (sender >= nurseryEnd || budget <= 0) continue outer;
            // Switch to the sender without leaving the inner loop.
            ctx = sender;
            cw = sw;
            method = words[sw + CTX_METHOD];
            rcvr = words[sw + CTX_RECEIVER];
            fp = sw + CTX_TEMPS;
            sp = fp + depth - 1;
            litBase = (method >>> 2) + 4;
            codeBase = method + 8 + ((2 + ((words[(method >>> 2) + 2] >>> 1) & 0xffff)) << 2);
            ip = codeBase + (words[sw + CTX_PC] >> 1);
            continue;
          }
          storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
          if (op === Op.BLOCK_RETURN) localReturn(s, value);
          else methodReturn(s, value);
          continue outer;
        }

        case Op.NOP: ip += 1; continue;

        default:
          storeRegisters(words, cw, ip - codeBase, sp - fp + 1);
          vmFatal(s, `bad bytecode ${bytes[ip]} at pc ${ip - codeBase}`);
          return;
      }

      // A send of `selector` with `argc` arguments; ip is past the instruction. The common
      // case runs inline: a cache hit on a method without primitive whose context fits in
      // the nursery. Everything else goes through send.ts.
      budget--;
      const at = sp - argc;
      const r = words[at];
      const ci = (r & 1) === 1 ? ClassIndex.SmallInteger : (r & 3) === 2 ? ClassIndex.Character : words[r >>> 2] & CLASS_INDEX_MASK;
      const way = (((selector >>> 3) ^ (ci * 0x9e37)) & CACHE_MASK) << 1;
      let m = 0;
      if (cacheClasses[way] === ci && cacheSelectors[way] === selector) m = cacheMethods[way];
      else if (cacheClasses[way + 1] === ci && cacheSelectors[way + 1] === selector) m = cacheMethods[way + 1];
      words[cw + CTX_PC] = ((ip - codeBase) << 1) | 1;
      const p = m === 0 ? 0 : activateInNursery(heap, words, m, ctx, r, at, argc, nil);
      if (p !== 0) {
        words[cw + CTX_STACKP] = ((at - fp) << 1) | 1;
        s.ctx = p;
        if (budget <= 0) continue outer;
        // Switch to the new context without leaving the inner loop.
        ctx = p;
        cw = (p >>> 2) + 2;
        method = m;
        rcvr = r;
        fp = cw + CTX_TEMPS;
        sp = fp + (words[cw + CTX_STACKP] >> 1) - 1;
        litBase = (m >>> 2) + 4;
        codeBase = m + 8 + ((2 + ((words[(m >>> 2) + 2] >>> 1) & 0xffff)) << 2);
        ip = codeBase;
        continue;
      }
      words[cw + CTX_STACKP] = ((sp - fp + 1) << 1) | 1;
      send(s, selector, argc, 0);
      continue outer;
    }
  }
}
