// Moving a process to another VM: `aProcess saveTo: path` (named primitive 'saveTo' module
// 'Process') and `Process loadFrom: path` ('loadFrom'). The file format is vm/process-file.ts.
//
// saveTo: suspends the process and writes it. The active process (a process saving itself)
// is written stopped at this send with the send answered (receiver and argument popped, the
// Process pushed), so the receiving VM continues it just after the send; here it stays
// suspended and the next ready process runs (when it ran the VM's current evaluation, a
// REPL line or a script, that evaluation ends here answering nil). A ready or waiting process is written out of its
// list, then taken out of it here. A failed write leaves everything as it was.
//
// loadFrom: checks the file, materializes its objects, resumes the process (preempting when
// its priority is higher) and answers it.
//
// Failures fail the primitive with a String naming the check; the Smalltalk fallback signals
// an Error with it.

import fs from 'node:fs';
import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL, PRIM_SWITCHED } from '../state.ts';
import { CTX_STACKP, CTX_TEMPS } from '../contexts.ts';
import { newString } from '../objects.ts';
import { smallInt } from '../oop.ts';
import { finish } from '../send.ts';
import {
  activeIsEvaluation, activeProcess, PROC_CONTEXT, PROC_LIST, PROC_NEXT, removeLink, resumeProcess, SCHED_ACTIVE, schedulerOf, storeActive,
  switchToNext,
} from '../process.ts';
import { ProcessFileError, readProcessFile, writeProcessFile } from '../process-file.ts';
import { arg, isPointerOop, receiver, stringOf } from './support.ts';

function failWith(s: VMState, message: string): number {
  s.primError = newString(s.heap, message);
  return PRIM_FAIL;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Writes bytes to path crash-safely: a temporary file beside it, then a rename over it. */
function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function installProcessFilePrimitives(
  table: (PrimFn | undefined)[], named: (module: string, name: string) => number,
): void {
  // aProcess primSaveTo: aPath
  table[named('Process', 'saveTo')] = (s, argc) => {
    if (argc !== 1) return PRIM_FAIL;
    const heap = s.heap;
    const proc = receiver(s, argc);
    const path = stringOf(s, arg(s, argc, 0));
    if (path === null || path === '') return failWith(s, 'the path must be a non-empty String');
    if (schedulerOf(heap) === s.nil) return failWith(s, 'this world has no process scheduler');
    if (!isPointerOop(proc) || heap.slotCount(proc) <= PROC_LIST) return failWith(s, 'the receiver is not a Process');
    if (heap.imageHash === null) return failWith(s, 'this world was not booted from an image file, so it has no base to name');
    const isActive = proc === activeProcess(heap);
    if (!isActive && heap.fetch(proc, PROC_CONTEXT) === s.nil) return failWith(s, 'a terminated process cannot be moved');
    const overrides = new Map<number, number>([[PROC_NEXT, s.nil], [PROC_LIST, s.nil]]);
    const at = s.sp - argc;
    const stackpWord = (s.ctx >>> 2) + 2 + CTX_STACKP;
    const oldTop = heap.words[at];
    const oldStackp = heap.words[stackpWord];
    if (isActive) {
      // The context as the receiving VM will continue it: this send answered with the Process.
      heap.words[at] = proc;
      heap.words[stackpWord] = smallInt(at - ((s.ctx >>> 2) + 2 + CTX_TEMPS) + 1);
      overrides.set(PROC_CONTEXT, s.ctx);
    }
    try {
      writeFileAtomically(path, writeProcessFile(heap, proc, heap.imageHash, overrides));
    } catch (e) {
      if (isActive) {
        heap.words[at] = oldTop;
        heap.words[stackpWord] = oldStackp;
      }
      return failWith(s, messageOf(e));
    }
    if (isActive) {
      storeActive(s);
      if (activeIsEvaluation(heap)) {
        // The evaluation's own process moved away: the evaluation ends here with nil.
        heap.store(schedulerOf(heap), SCHED_ACTIVE, s.nil);
        finish(s, s.nil);
      } else {
        switchToNext(s);
      }
      return PRIM_SWITCHED;
    }
    const list = heap.fetch(proc, PROC_LIST);
    if (list !== s.nil) removeLink(heap, list, proc);
    return proc;
  };
  // Process primLoadFrom: aPath
  table[named('Process', 'loadFrom')] = (s, argc) => {
    if (argc !== 1) return PRIM_FAIL;
    const heap = s.heap;
    const path = stringOf(s, arg(s, argc, 0));
    if (path === null || path === '') return failWith(s, 'the path must be a non-empty String');
    if (schedulerOf(heap) === s.nil || activeProcess(heap) === s.nil) return failWith(s, 'this world has no process scheduler');
    let data: Uint8Array;
    try {
      data = fs.readFileSync(path);
    } catch (e) {
      return failWith(s, messageOf(e));
    }
    let proc: number;
    try {
      proc = readProcessFile(heap, data, heap.imageHash);
    } catch (e) {
      if (e instanceof ProcessFileError) return failWith(s, e.message);
      throw e;
    }
    if (!isPointerOop(proc) || heap.slotCount(proc) <= PROC_LIST || heap.fetch(proc, PROC_CONTEXT) === s.nil) {
      return failWith(s, 'corrupt: the file does not hold a runnable Process');
    }
    const at = s.sp - argc;
    heap.words[at] = proc;
    heap.words[(s.ctx >>> 2) + 2 + CTX_STACKP] = smallInt(at - ((s.ctx >>> 2) + 2 + CTX_TEMPS) + 1);
    resumeProcess(s, proc);
    return PRIM_SWITCHED;
  };
}
