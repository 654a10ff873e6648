// A check of the write barrier's completeness, for tests and for debugging a VM: compares
// the heap's saved segments with the bytes of the image chain they came from, and reports
// every difference that no dirty card covers. Each one is a store into a saved object that
// bypassed heap.store / markDirty, and would be missing from the next delta.
//
// The transient header bits (mark, remembered, forwarded) are ignored: the GC sets and
// clears them freely, and a save clears them before writing. Costs a boot of the parent
// chain and a walk of every saved object: a debugging tool, not for the save path.

import type { Heap } from '../vm/heap.ts';
import { CARD_SHIFT } from '../vm/heap.ts';
import { BIG_MARKER, FORWARDED_BIT, MARK_BIT, REMEMBERED_BIT, slotCountOf } from '../vm/layout.ts';
import { sameHash } from './content-hash.ts';
import { ImageError } from './format.ts';
import { loadImage } from './reader.ts';

const TRANSIENT_BITS = MARK_BIT | REMEMBERED_BIT | FORWARDED_BIT;

export interface UnmarkedChange {
  /** Byte address of the word that differs. */
  address: number;
  /** The object (oop) that holds it. */
  object: number;
  /** The word in the heap, and in the image chain. */
  heapWord: number;
  imageWord: number;
}

/** Up to `limit` words of the saved segments that changed without a dirty card. */
export function findUnmarkedChanges(heap: Heap, limit = 20): UnmarkedChange[] {
  if (heap.imagePath === '' || heap.imageHash === null) {
    throw new ImageError('cannot read', 'the heap has no image file to compare with', '<heap>');
  }
  const { heap: image } = loadImage(heap.imagePath);
  if (image.imageHash === null || !sameHash(image.imageHash, heap.imageHash)) {
    throw new ImageError('parent different', 'the image file changed since the heap was booted or saved', heap.imagePath);
  }
  if (image.savedEnd !== heap.savedEnd) {
    throw new ImageError('bad chain', 'the image file does not describe the heap\'s saved segments', heap.imagePath);
  }
  const found: UnmarkedChange[] = [];
  const words = heap.words;
  const imageWords = image.words;
  const cards = heap.cards;
  for (const segment of heap.segments) {
    let p = segment.start;
    while (p < segment.end && found.length < limit) {
      const oop = words[(p >>> 2) + 1] === BIG_MARKER ? p + 8 : p;
      const end = oop + 8 + ((slotCountOf(words, oop) + 1) & ~1) * 4;
      for (let a = p; a < end && found.length < limit; a += 4) {
        if (cards[a >>> CARD_SHIFT] !== 0) continue;
        const mask = a === oop ? ~TRANSIENT_BITS : -1;
        const mine = words[a >>> 2];
        const theirs = imageWords[a >>> 2];
        if (((mine ^ theirs) & mask) !== 0) found.push({ address: a, object: oop, heapWord: mine, imageWord: theirs });
      }
      p = end;
    }
  }
  return found;
}
