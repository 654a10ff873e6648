import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import equal from 'fast-deep-equal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { sha256Hex } from '../../images/content-hash.ts';
import { decodeWorld } from '../../images/decode.ts';
import { saveDelta } from '../../images/delta.ts';
import { Field } from '../../images/format.ts';
import { bootImage, loadImage } from '../../images/reader.ts';
import { saveImage } from '../../images/writer.ts';
import { runCli } from '../../repl/cli.ts';
import { smallInt } from '../../vm/oop.ts';
import { Builder, buildWorld, workspaceOf } from './world.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-compact-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => path.join(dir, name);

async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

beforeAll(() => {
  const heap = buildWorld();
  saveImage(heap, file('base.image'));
  const b = new Builder(heap, true);
  heap.store(workspaceOf(heap), 13, b.string('the big ByteArray became garbage'));
  saveDelta(heap, file('d1.delta'));
  heap.store(workspaceOf(heap), 0, smallInt(7));
  saveDelta(heap, file('d2.delta'));
});

describe('strata info on a delta', () => {
  it('shows the whole chain: each file with its kind, hash, size, segments and card runs', async () => {
    const r = await strata('info', file('d2.delta'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chain (3 files, base first)');
    const { chain } = loadImage(file('d2.delta'));
    for (const [i, link] of chain.entries()) {
      const row = r.stdout.split('\n').find((l) => l.endsWith(link.path));
      expect(row, link.path).toBeDefined();
      expect(row).toMatch(new RegExp(`^\\s+${i}\\s+${i === 0 ? 'full' : 'delta'}\\s+${sha256Hex(link.header.contentSha256).slice(0, 12)}\\s+${link.header.fileBytes.toLocaleString('en-US')}\\s`));
    }
    expect(r.stdout).toMatch(/^sha256\s+[0-9a-f]{64} \(verified\)$/m);
    expect(r.stdout).toMatch(/^parent\s+sha256 [0-9a-f]{64} at d1\.delta$/m);
    expect(r.stdout).toContain('card runs of this delta (1)');
    expect(r.stdout).toMatch(/^flags\s+0x1 \(delta\)$/m);
  });

  it('marks a file whose bytes no longer match its stored hash (changed, checksum made right again)', async () => {
    const bytes = Uint8Array.from(fs.readFileSync(file('base.image')));
    bytes[bytes.length - 9] ^= 1;
    const view = new DataView(bytes.buffer);
    view.setUint32(Field.checksum, 0, true);
    view.setUint32(Field.checksum, crc32(bytes), true);
    fs.writeFileSync(file('tampered.image'), bytes);
    const r = await strata('info', file('tampered.image'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sha256\s+[0-9a-f]{64} \(DOES NOT MATCH the content\)$/m);
  });
});

describe('strata compact', () => {
  it('flattens a chain into one full image with the same world and reports what it dropped', async () => {
    const world = decodeWorld(bootImage(file('d2.delta')));
    const r = await strata('compact', file('d2.delta'), file('flat.image'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^compacted\s+.*d2\.delta \(3 files\) -> .*flat\.image$/m);
    expect(r.stdout).toMatch(/^garbage dropped\s+[1-9][\d,]* objects, [1-9][\d,]{6,} bytes$/m);
    expect(r.stdout).toMatch(/^files\s+[\d,]+ -> [\d,]+ bytes \([\d.]+% saved\)$/m);
    expect(r.stdout).toMatch(/^order\s+classes with their methods/m);
    const { header, chain } = loadImage(file('flat.image'));
    expect(chain).toHaveLength(1);
    expect(header.segments).toHaveLength(1);
    expect(equal(decodeWorld(bootImage(file('flat.image'))), world)).toBe(true);
  });

  it('refuses bad usage, a file of its own chain as OUT, and a broken chain', async () => {
    for (const args of [['compact'], ['compact', 'a'], ['compact', 'a', 'b', 'c'], ['compact', '--fast', 'a', 'b']]) {
      const r = await strata(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^strata: .*\(see strata help compact\)\n$/);
    }
    const own = await strata('compact', file('d2.delta'), file('d1.delta'));
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/is a file of IN's chain/);
    fs.copyFileSync(file('d1.delta'), file('lonely.delta'));
    fs.mkdirSync(file('elsewhere'));
    fs.renameSync(file('lonely.delta'), file('elsewhere/lonely.delta'));
    const broken = await strata('compact', file('elsewhere/lonely.delta'), file('out.image'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^strata: .*lonely\.delta: parent missing: expected parent .*base\.image \(sha256 [0-9a-f]{64}\)/);
    expect(fs.existsSync(file('out.image'))).toBe(false);
  });
});
