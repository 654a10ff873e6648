// Resolving and booting a chain of images: base <- d1 <- d2 ... Each delta names its
// parent by content hash (SHA-256, stored in the parent's header) and by a path hint
// relative to the delta's own directory. Booting a delta:
//
//   1. reads the headers from the delta down to the full base, following the hints and
//      checking at each step that the file found has the content hash its child expects,
//      the same nursery, and segments ending exactly where the child's begin;
//   2. allocates one heap big enough for the last file's saved end;
//   3. reads the base's segments into place, then for each delta in order its new segment
//      and its card runs over what the files before it put there, checking every file's
//      CRC32 as it is read.
//
// No per-object work. A chain that does not fit together is refused before any data is
// read, with the expected hash and path; a file that fails its checksum is refused after,
// and the half-built heap is dropped: a mixed world is never booted.
//
// The content hash is the one stored in the parent's header, not recomputed: the CRC32
// proves the parent file intact, and the stored hash was computed over that very content
// when it was saved. (This guards against mistakes and corruption, not against someone
// forging an image.)

import nodePath from 'node:path';
import { Heap, type HeapOptions } from '../vm/heap.ts';
import { sameHash, sha256Hex, shortHash } from './content-hash.ts';
import { ImageError, hex, isDelta, savedEndOf, type ImageHeader } from './format.ts';
import {
  checkChecksum, openFileSource, readData, readHeader, type HeaderRead, type ImageSource,
} from './image-source.ts';

/** Longest chain booted; longer ones should be compacted (`strata compact`). */
export const MAX_CHAIN_LENGTH = 256;

/** One file of a chain. */
export interface ChainLink {
  /** The path as given for the file booted, resolved from its child's hint for the others. */
  path: string;
  header: ImageHeader;
}

export interface ChainBoot {
  heap: Heap;
  /** Base first, the file booted last. */
  chain: ChainLink[];
}

interface OpenLink extends ChainLink {
  source: ImageSource;
  read: HeaderRead;
}

/** Resolves the chain ending at `path` from its headers alone (no data is read). */
export function resolveChain(path: string): ChainLink[] {
  const links = openChain(path);
  closeAll(links);
  return links.map(({ path: p, header }) => ({ path: p, header }));
}

/** Boots the image at `path`, a full image or a delta, with its whole chain. */
export function bootChain(path: string, options: HeapOptions = {}): ChainBoot {
  const links = openChain(path);
  try {
    const base = links[0];
    const last = links[links.length - 1];
    const savedEnd = savedEndOf(last.header);
    let heap: Heap;
    try {
      heap = Heap.forBoot(base.header.nurseryEnd, savedEnd, options);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new ImageError('out of memory', `the image needs ${savedEnd} bytes of heap: ${detail}`, path, { cause: e });
    }
    for (const link of links) readData(link.source, link.read, heap);
    const segments = links.flatMap((l) => l.header.segments.map((s) => ({ start: s.start, end: s.start + s.byteSize, role: s.role })));
    heap.adoptSegments(segments, last.header.rootOop, last.header.nilOop, last.header.hashSeed);
    heap.setImage(nodePath.resolve(path), last.header.contentSha256);
    return { heap, chain: links.map(({ path: p, header }) => ({ path: p, header })) };
  } finally {
    closeAll(links);
  }
}

/** Opens every file of the chain ending at `path` and checks that they fit; base first. */
function openChain(path: string): OpenLink[] {
  const links: OpenLink[] = [];
  try {
    links.push(openLink(path, path));
    for (;;) {
      const child = links[links.length - 1];
      if (!isDelta(child.header)) break;
      if (links.length >= MAX_CHAIN_LENGTH) {
        throw new ImageError('bad chain', `more than ${MAX_CHAIN_LENGTH} images in the chain; compact it (strata compact)`, path);
      }
      links.push(openParent(child, links));
    }
  } catch (e) {
    closeAll(links);
    throw e;
  }
  return links.reverse();
}

function openLink(path: string, name: string): OpenLink {
  const source = openFileSource(path, name);
  try {
    const read = readHeader(source);
    return { path: name, header: read.header, source, read };
  } catch (e) {
    source.close();
    throw e;
  }
}

/**
 * Finds, opens and checks the parent of `child`; `links` is the chain so far, child last.
 * Before refusing a parent, the child's own checksum is checked, so a corrupt child is
 * reported as corrupt rather than as having the wrong parent.
 */
function openParent(child: OpenLink, links: OpenLink[]): OpenLink {
  try {
    return findParent(child, links);
  } catch (e) {
    if (e instanceof ImageError) checkChecksum(child.source, child.read);
    throw e;
  }
}

function findParent(child: OpenLink, links: OpenLink[]): OpenLink {
  const expected = child.header.parentSha256;
  const where = nodePath.resolve(nodePath.dirname(child.path), child.header.parentHint);
  const wanted = `parent ${where} (sha256 ${sha256Hex(expected)})`;
  let parent: OpenLink;
  try {
    parent = openLink(where, where);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ImageError('parent missing', `expected ${wanted}, but there is no such file`, child.path, { cause: e });
    }
    const detail = e instanceof ImageError ? `${e.check}: ${e.detail}` : e instanceof Error ? e.message : String(e);
    throw new ImageError('parent different', `expected ${wanted}, but that file is not a usable image (${detail})`, child.path, { cause: e });
  }
  try {
    const found = parent.header.contentSha256;
    if (!sameHash(found, expected)) {
      const descendant = links.find((l) => sameHash(l.header.contentSha256, found)
        || sameHash(parent.header.parentSha256, l.header.contentSha256));
      if (descendant !== undefined) {
        throw new ImageError('chain out of order', `expected ${wanted}, but ${where} (sha256 ${shortHash(found)}...) comes after ${descendant.path} in its chain, not before it`, child.path);
      }
      throw new ImageError('parent different', `expected ${wanted}, but ${where} has sha256 ${sha256Hex(found)} (a different image, or the parent was saved again since)`, child.path);
    }
    if (links.some((l) => sameHash(l.header.contentSha256, found))) {
      throw new ImageError('chain out of order', `${where} (sha256 ${shortHash(found)}...) appears twice in the chain`, child.path);
    }
    const parentEnd = savedEndOf(parent.header);
    if (parent.header.nurseryEnd !== child.header.nurseryEnd || parentEnd !== child.header.segmentsStart) {
      throw new ImageError('bad chain', `${where} has the expected hash but its layout does not fit: nursery end 0x${hex(parent.header.nurseryEnd)} and saved end 0x${hex(parentEnd)}, the delta expects 0x${hex(child.header.nurseryEnd)} and 0x${hex(child.header.segmentsStart)}`, child.path);
    }
    return parent;
  } catch (e) {
    parent.source.close();
    throw e;
  }
}

function closeAll(links: OpenLink[]): void {
  for (const link of links) {
    try { link.source.close(); } catch { /* closing a read-only file cannot lose anything */ }
  }
}
