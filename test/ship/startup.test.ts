// The entry point of a shipped app: the image's own startup action (Smalltalk
// startUpAction: [...], kept in the image) when --main is not given, and the mistakes
// strata ship refuses with a message saying what to do.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipError, shipApp } from '../../images/ship.ts';
import { bootWorld } from '../../images/world.ts';
import { saveImage } from '../../images/writer.ts';
import { BufferHost } from '../../vm/host.ts';
import { baseImage, removeScratch, runApp, scratchDir } from './helpers.ts';

let withAction: string;
let dir: string;

beforeAll(() => {
  dir = scratchDir('startup');
  const vm = bootWorld(baseImage(), { host: new BufferHost() });
  const outcome = vm.evaluateSync(
    "Smalltalk at: #Greeting put: 'hello from the image'. " +
    "Smalltalk startUpAction: [ Stdout nextPutAll: Greeting , ' (' , Smalltalk arguments size printString , ' args)'; cr ]. " +
    'Smalltalk startUpAction notNil');
  expect(outcome.kind === 'value' && outcome.value === vm.state.trueOop).toBe(true);
  withAction = path.join(dir, 'with-action.image');
  saveImage(vm.heap, withAction);
});

afterAll(removeScratch);

describe('the startup action', () => {
  it('is the image\'s own when --main is not given', async () => {
    const shipped = await shipApp({ image: withAction, out: path.join(dir, 'greet'), compiler: false });
    expect(runApp(shipped.mjsPath, ['a', 'b'])).toEqual({ status: 0, stdout: 'hello from the image (2 args)\n', stderr: '' });
  });

  it('is replaced by --main', async () => {
    const shipped = await shipApp({ image: withAction, out: path.join(dir, 'main.mjs'), main: 'Stdout nextPutAll: Greeting size printString', compiler: false });
    expect(shipped.mjsPath).toBe(path.join(dir, 'main.mjs'));
    expect(runApp(shipped.mjsPath, []).stdout).toBe('20');
  });

  it('must exist', async () => {
    await expect(shipApp({ image: baseImage(), out: path.join(dir, 'none') })).rejects.toThrow(
      new ShipError("the image has no startup action: give --main EXPR (e.g. --main 'WordCount main'), or evaluate `Smalltalk startUpAction: [ ... ]` and save the image"));
  });

  it('must compile', async () => {
    await expect(shipApp({ image: baseImage(), out: path.join(dir, 'bad'), main: '3 +' })).rejects.toThrow(/^--main does not compile: /);
  });

  it('needs an image and an output directory that exist', async () => {
    await expect(shipApp({ image: path.join(dir, 'nope.image'), out: path.join(dir, 'x'), main: '3' })).rejects.toThrow(/nope\.image: no such image file/);
    await expect(shipApp({ image: baseImage(), out: path.join(dir, 'no/such/dir/x'), main: '3' })).rejects.toThrow(/no such directory for the output/);
  });

  it('refuses packages that do not load, with file and line', async () => {
    const bad = scratchDir('badpkg');
    const pkg = path.join(bad, 'Broken');
    fs.mkdirSync(pkg);
    fs.writeFileSync(path.join(pkg, 'package.st'), "Package { #name : #Broken }\n");
    fs.writeFileSync(path.join(pkg, 'Broken.class.st'), 'Class {\n\t#name : #Broken,\n\t#superclass : #Object,\n\t#category : #Broken\n}\n\n{ #category : #x }\nBroken >> oops [\n\t^ 3 +\n]\n');
    await expect(shipApp({ image: baseImage(), out: path.join(dir, 'broken'), load: [bad], main: '3' })).rejects.toThrow(/Broken\/Broken\.class\.st:9:7: expected an argument after \+/);
  });
});
