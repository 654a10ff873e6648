// What `.inspect EXPR` shows of an object: its class, its named instance variables with the
// printString of each value, and its first indexed slots. Printing a slot runs Smalltalk, and
// the GC may then move the inspected object, so it is held in heap.roots (updated in place by
// the GC) and re-read after every print.

import type { Heap } from '../vm/heap.ts';
import { plainIndexed, rawSlots } from './introspection.ts';
import type { EvalResult, Inspection, Slot } from './session.ts';

/** At most this many indexed slots are printed. */
export const INSPECT_SLOTS = 50;
/** Slot printStrings are cut to this many characters. */
const SLOT_PRINT_LIMIT = 500;

type Stopped = Exclude<EvalResult, { kind: 'value' }>;

/**
 * Inspects `oop`; `printIt` answers the printString of an oop as an evaluation result (it
 * runs Smalltalk). A slot whose printString fails shows the error; an interrupt ends the
 * inspection with the interrupted result.
 */
export async function inspectObject(heap: Heap, oop: number, printIt: (oop: number) => Promise<EvalResult>): Promise<Inspection> {
  const print = async (slot: number): Promise<string | Stopped> => {
    const r = await printIt(slot);
    if (r.kind === 'interrupted') return r;
    const text = r.kind === 'value' ? r.printString : `<error printing: ${r.description}>`;
    return text.length > SLOT_PRINT_LIMIT ? `${text.slice(0, SLOT_PRINT_LIMIT)}...` : text;
  };
  const at = heap.roots.length;
  heap.roots.push(oop);
  const self = (): number => heap.roots[at]!;
  try {
    const raw = rawSlots(heap, oop);
    const printString = await print(self());
    if (typeof printString !== 'string') return printString;
    const namedSlots: Slot[] = [];
    for (const s of raw.named) {
      const p = await print(heap.fetch(self(), s.index));
      if (typeof p !== 'string') return p;
      namedSlots.push({ name: s.name, printString: p });
    }
    const indexedSlots: Slot[] = [];
    const kind = raw.indexedKind;
    const shown = Math.min(raw.indexedSize, INSPECT_SLOTS);
    for (let i = 1; i <= shown && kind !== 'none'; i++) {
      const p = kind === 'pointers' ? await print(heap.fetch(self(), raw.named.length + i - 1)) : plainIndexed(heap, self(), i, kind);
      if (typeof p !== 'string') return p;
      indexedSlots.push({ name: String(i), printString: p });
    }
    return { kind: 'object', className: raw.className, printString, namedSlots, indexedSlots, indexedSize: raw.indexedSize };
  } finally {
    heap.roots.length = at;
  }
}
