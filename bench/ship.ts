// npm run bench:ship — how fast a shipped app starts, measured as a user sees it: the wall
// time of a whole process that prints "hello" and exits, against `node -e
// "console.log('hello')"` in the same run (rounds alternate between the commands, medians
// compared). Variants: OUT.mjs (raw image in the file), OUT.mjs --compress, and the single
// executable (SEA) built by --binary. Also reported: the bundle size without the image, and
// the boot cost of images of many small objects against one object of the same size (equal
// costs mean no work per object at start).
//
//   npm run bench:ship [-- --runs N] [--objects N] [--no-binary]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBaseImage, DEFAULT_IMAGE_PATH, KERNEL_DIR } from '../images/bootstrap.ts';
import { bootImageFromBuffer } from '../images/reader.ts';
import { shipApp, type ShipResult } from '../images/ship.ts';
import { bootWorld } from '../images/world.ts';
import { saveImage } from '../images/writer.ts';
import { BufferHost } from '../vm/host.ts';
import { VM } from '../vm/vm.ts';
import { collectGarbage, formatMs, formatRatio, median, printTable } from './harness.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = option('--runs', 40);
const OBJECTS = option('--objects', 1_000_000);
const BINARY = !process.argv.includes('--no-binary');
const HELLO = "Stdout nextPutAll: 'hello'; cr";

function newestIn(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestIn(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-ship-'));

function baseImage(): string {
  if (fs.existsSync(DEFAULT_IMAGE_PATH) && fs.statSync(DEFAULT_IMAGE_PATH).mtimeMs > newestIn(KERNEL_DIR)) return DEFAULT_IMAGE_PATH;
  const out = path.join(work, 'base.image');
  buildBaseImage(out, { host: new BufferHost() });
  return out;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

interface Command {
  label: string;
  argv: string[];
  samples: number[];
}

/** Wall time of one whole process, checking that it printed hello. */
function timeProcess(argv: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== 'hello\n') throw new Error(`${argv.join(' ')}: exit ${r.status}, stdout ${JSON.stringify(r.stdout)}, stderr ${r.stderr}`);
  return ms;
}

async function startup(image: string): Promise<void> {
  const plain = await shipApp({ image, out: path.join(work, 'hello'), main: HELLO, binary: BINARY });
  const packed = await shipApp({ image, out: path.join(work, 'hello-z'), main: HELLO, compress: true, binary: BINARY });
  const commands: Command[] = [
    { label: "node -e \"console.log('hello')\"", argv: [process.execPath, '-e', "console.log('hello')"], samples: [] },
    { label: 'node hello.mjs', argv: [process.execPath, plain.mjsPath], samples: [] },
    { label: 'node hello-z.mjs (--compress)', argv: [process.execPath, packed.mjsPath], samples: [] },
  ];
  if (plain.binaryPath) commands.push({ label: './hello (--binary)', argv: [plain.binaryPath], samples: [] });
  if (packed.binaryPath) commands.push({ label: './hello-z (--binary --compress)', argv: [packed.binaryPath], samples: [] });
  for (const c of commands) timeProcess(c.argv); // warm the page cache
  for (let round = 0; round < RUNS; round++) {
    // Alternate the order so no command always follows the same one.
    const order = round % 2 === 0 ? commands : [...commands].reverse();
    for (const c of order) c.samples.push(timeProcess(c.argv));
  }
  const bare = median(commands[0].samples);
  console.log(`\nWhole-process startup of a hello-world app (${RUNS} alternating rounds, wall-clock medians; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)\n`);
  printTable(['command', 'median ms', 'min ms', 'vs bare node'], commands.map((c) => [
    c.label, formatMs(median(c.samples)), formatMs(Math.min(...c.samples)), formatRatio(median(c.samples) / bare),
  ]));
  console.log('');
  const sizes = (label: string, r: ShipResult): string[] => [
    label, kb(r.bundleBytes), kb(r.imageBytes), kb(r.compilerBytes), kb(r.fileBytes), r.binaryBytes > 0 ? `${(r.binaryBytes / 1e6).toFixed(1)} MB` : '-',
  ];
  printTable(['app', 'bundle (no image)', 'image', 'compiler (lazy)', 'OUT.mjs', 'executable'], [sizes('hello', plain), sizes('hello --compress', packed)]);
  console.log(`\nbundle without the image: ${kb(plain.bundleBytes)} (target <= 1 MB: ${plain.bundleBytes <= 1024 * 1024 ? 'met' : 'NOT met'})`);
}

/** Boot (read into a heap, make a VM) of images of many objects vs one object of equal bytes. */
function bootCost(image: string): void {
  const save = (expr: string, name: string): Buffer => {
    const vm = bootWorld(image, { host: new BufferHost() });
    const o = vm.evaluateSync(expr);
    if (o.kind === 'error') throw new Error(o.description);
    const file = path.join(work, name);
    saveImage(vm.heap, file);
    return fs.readFileSync(file);
  };
  const base = fs.readFileSync(image);
  const many = save(`Smalltalk at: #Junk put: ((1 to: ${OBJECTS}) collect: [ :i | i -> nil ]). 0`, 'many.image');
  const bytes = save(`Smalltalk at: #Junk put: (ByteArray new: ${many.length - base.length}). 0`, 'bytes.image');
  const worlds = [
    { label: 'base image', data: base, samples: [] as number[] },
    { label: `+ ${OBJECTS.toLocaleString('en')} Associations`, data: many, samples: [] as number[] },
    { label: '+ one ByteArray of the same size', data: bytes, samples: [] as number[] },
  ];
  for (let round = 0; round < 15; round++) {
    for (const w of round % 2 === 0 ? worlds : [...worlds].reverse()) {
      collectGarbage();
      const t0 = performance.now();
      const vm = new VM(bootImageFromBuffer(w.data), new BufferHost());
      w.samples.push(performance.now() - t0);
      if (vm.heap.nurseryTop !== 8) throw new Error('boot allocated objects');
    }
  }
  console.log(`\nBoot of an app's image (bootImageFromBuffer + new VM, in-process medians of 15)\n`);
  printTable(['image', 'MB', 'boot ms', 'ms per MB'], worlds.map((w) => [
    w.label, (w.data.length / 1e6).toFixed(1), formatMs(median(w.samples)), formatMs(median(w.samples) / (w.data.length / 1e6)),
  ]));
  const ratio = median(worlds[1].samples) / median(worlds[2].samples);
  console.log(`\nmany objects / same bytes: ${formatRatio(ratio)} (1x means no work per object)`);
}

try {
  const image = baseImage();
  await startup(image);
  if (OBJECTS > 0) bootCost(image);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
