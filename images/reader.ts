// Booting an image: check the header, allocate the heap, read every segment straight
// into the heap buffer at its recorded offset, check the CRC32 computed over what was
// read, adopt the segments. There is no per-object work: oops are heap offsets and the
// segments land exactly where they were, so the world is ready when the read is done.
// A delta image boots with its chain of parents (images/chain.ts).
//
// Every way this can fail (missing file, foreign file, corruption, a missing or wrong
// parent, a heap limit too low) is an ImageError naming the check; nothing else escapes.

import nodePath from 'node:path';
import { Heap, type HeapOptions } from '../vm/heap.ts';
import { bootChain, type ChainLink } from './chain.ts';
import { ImageError, isDelta, savedEndOf, type ImageHeader } from './format.ts';
import { bufferSource, openFileSource, readData, readHeader, type ImageSource } from './image-source.ts';

export interface BootResult {
  heap: Heap;
  /** The header of the file booted (the last delta of a chain). */
  header: ImageHeader;
  /** Every file read, base first: one link for a full image. */
  chain: ChainLink[];
  /** Time from open to a ready heap. */
  ms: number;
}

/** Boots the image file at `path` (full, or a delta with its chain) into a new heap. */
export function bootImage(path: string, options: HeapOptions = {}): Heap {
  return loadImage(path, options).heap;
}

/** Boots the image file at `path`, answering the heap with the header(s) it came from. */
export function loadImage(path: string, options: HeapOptions = {}): BootResult {
  const t0 = performance.now();
  try {
    let source: ImageSource | null = openFileSource(path);
    try {
      const read = readHeader(source);
      if (!isDelta(read.header)) {
        const heap = bootFull(source, read, options);
        heap.setImage(nodePath.resolve(path), read.header.contentSha256);
        return { heap, header: read.header, chain: [{ path, header: read.header }], ms: performance.now() - t0 };
      }
      source.close();
      source = null;
    } finally {
      source?.close();
    }
    const { heap, chain } = bootChain(path, options);
    return { heap, header: chain[chain.length - 1].header, chain, ms: performance.now() - t0 };
  } catch (e) {
    throw asImageError(e, path);
  }
}

/**
 * Boots a full image held in memory (an app that carries its image inside itself). The
 * heap remembers no image path, so a delta saved from it must name its parent file.
 */
export function bootImageFromBuffer(image: Uint8Array, options: HeapOptions = {}, name = '<buffer>'): Heap {
  try {
    const source = bufferSource(image, name);
    const read = readHeader(source);
    if (isDelta(read.header)) {
      throw new ImageError('delta image', 'a delta image boots from its file, where its parent chain can be found', name);
    }
    const heap = bootFull(source, read, options);
    heap.setImage('', read.header.contentSha256);
    return heap;
  } catch (e) {
    throw asImageError(e, name);
  }
}

function bootFull(source: ImageSource, read: ReturnType<typeof readHeader>, options: HeapOptions): Heap {
  const { header } = read;
  const savedEnd = savedEndOf(header);
  let heap: Heap;
  try {
    heap = Heap.forBoot(header.nurseryEnd, savedEnd, options);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ImageError('out of memory', `the image needs ${savedEnd} bytes of heap: ${detail}`, source.name, { cause: e });
  }
  readData(source, read, heap);
  heap.adoptSegments(
    header.segments.map((s) => ({ start: s.start, end: s.start + s.byteSize, role: s.role })),
    header.rootOop, header.nilOop, header.hashSeed);
  return heap;
}

function asImageError(e: unknown, file: string): ImageError {
  if (e instanceof ImageError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new ImageError('cannot read', detail, file, { cause: e });
}
