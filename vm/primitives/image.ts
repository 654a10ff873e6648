// Image primitives: `Smalltalk saveImage: path` (a full image), `saveDelta: path` (only
// what changed since the image the world was booted from or last saved as) and
// `saveCompact: path` (the live world rewritten into one compacted full image). The
// writing is the host's (Host.saveImage, installed by images/world.ts): vm/ does not import
// images/.
//
// The save runs here, inside the primitive, as a safe point: the VM's registers are written
// back, the active and base contexts are GC roots, and everything is refreshed afterwards,
// as after any collection (a save scavenges; a compacting save runs a full GC).
//
// The primitive answers false, Squeak's answer in the session that saved. With a process
// scheduler the image records the saving process suspended at this send with true as its
// answer: a VM booted from it resumes that process (vm/scheduler-driver.ts), which sees true.

import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import type { SaveKind } from '../host.ts';
import { newString } from '../objects.ts';
import { arg, stringOf } from './support.ts';
import { CTX_STACKP } from '../contexts.ts';
import { smallInt } from '../oop.ts';
import { activeProcess, PROC_CONTEXT } from '../process.ts';
import { noteClockAtSave } from '../timers.ts';

const KINDS: ReadonlySet<string> = new Set<SaveKind>(['full', 'delta', 'compact']);

function failWith(s: VMState, message: string): number {
  s.primError = newString(s.heap, message);
  return PRIM_FAIL;
}

export function installImagePrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  // Smalltalk primSave: path kind: #full | #delta | #compact
  table[named('Image', 'save')] = (s, argc) => {
    if (argc !== 2) return PRIM_FAIL;
    const path = stringOf(s, arg(s, argc, 0));
    const kind = stringOf(s, arg(s, argc, 1));
    if (path === null || path === '') return failWith(s, 'the image path must be a non-empty String');
    if (kind === null || !KINDS.has(kind)) return failWith(s, 'the kind must be #full, #delta or #compact');
    const save = s.host.saveImage;
    if (save === undefined || save === null) return failWith(s, 'this host cannot save images');
    let failure: string | null = null;
    s.collectGarbage();
    s.syncSp();
    const heap = s.heap;
    const roots = heap.roots;
    const base = roots.length;
    // Snapshots of running code: the saved image holds the active process with this send
    // answered true (receiver and arguments popped), so a VM booted from it continues here.
    const stackp = heap.fetch(s.ctx, CTX_STACKP);
    const proc = activeProcess(heap);
    if (proc !== s.nil) {
      heap.words[s.sp - argc] = s.trueOop;
      heap.store(s.ctx, CTX_STACKP, smallInt((stackp >> 1) - argc));
      heap.store(proc, PROC_CONTEXT, s.ctx);
      noteClockAtSave(heap, s.host.monotonicMillis());
    }
    roots.push(s.ctx, s.baseContext);
    try {
      save(heap, path, kind as SaveKind);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    } finally {
      s.ctx = roots[base];
      s.baseContext = roots[base + 1];
      roots.length = base;
      if (proc !== s.nil) {
        heap.store(s.ctx, CTX_STACKP, stackp);
        heap.store(activeProcess(heap), PROC_CONTEXT, s.nil);
        noteClockAtSave(heap, null);
      }
      s.afterGC();
      s.syncSp();
    }
    return failure === null ? s.falseOop : failWith(s, failure);
  };
}
