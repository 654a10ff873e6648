import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKernelImage, ROOT, SAMPLES, strata, tempDir, writeFile } from './kernel-image.ts';

let dir: string;
let image: string;
beforeAll(() => {
  dir = tempDir('strata-run-');
  image = buildKernelImage(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => writeFile(dir, name, text);

describe('strata run', () => {
  it('runs a script with its arguments (Smalltalk arguments)', () => {
    const script = write('args.st', "| args |\nargs := Smalltalk arguments.\nTranscript showln: args size printString; showln: args printString.\n");
    const r = strata(['run', '--image', image, script, 'one', '--help', '3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe("3\n#('one' '--help' '3')\n");
    expect(r.status).toBe(0);
  });

  it('runs an executable #!/usr/bin/env strata script found through PATH (image from STRATA_IMAGE)', () => {
    const script = write('bin-script/hello', "#!/usr/bin/env strata\nTranscript showln: 'hello ' , Smalltalk arguments first.\n");
    fs.chmodSync(script, 0o755);
    const direct = spawnSync(script, ['world'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(ROOT, 'bin')}${path.delimiter}${process.env['PATH'] ?? ''}`, STRATA_IMAGE: image },
      timeout: 120_000,
    });
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toBe('hello world\n');
    expect(direct.status).toBe(0);
  });

  it('reports a syntax error with file:line:col and a caret, exit code 2', () => {
    const script = write('syntax.st', "Transcript showln: 'never'.\nx := 3 + .\n");
    const r = strata(['run', '--image', image, script]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${script}:2:10: expected an argument after +\nx := 3 + .\n         ^\n`);
  });

  it('reports an unhandled error with the line and the Smalltalk stack, exit code 1', () => {
    const script = write('error.st', "| a |\na := 3.\nTranscript showln: a printString.\na foo.\nTranscript showln: 'not reached'.\n");
    const r = strata(['run', '--image', image, script]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('3\n');
    expect(r.stderr).toMatch(new RegExp(`^${script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: MessageNotUnderstood: SmallInteger>>#foo\n`));
    expect(r.stderr).toMatch(/\n  UndefinedObject>>DoIt \(.*error\.st:4\)\n$/);
  });

  it('files in a chunk file in order, and loads a Tonel package (running its class initializers)', () => {
    const chunk = write('prog.st', "Object subclass: #Greeter\n\tinstanceVariableNames: 'name'\n\tclassVariableNames: ''\n\tcategory: 'Demo'!\n\n"
      + "!Greeter methodsFor: 'greeting'!\nname: aString\n\tname := aString!\ngreet\n\t^ 'Hello, ' , name , '!!'! !\n\n"
      + "Transcript showln: (Greeter new name: 'chunk'; greet)!\n");
    const r = strata(['run', '--image', image, chunk]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello, chunk!\n');
    expect(r.status).toBe(0);
    write('Hello/package.st', 'Package { #name : #Hello }\n');
    write('Hello/HelloMain.class.st', "Class {\n\t#name : #HelloMain,\n\t#superclass : #Object,\n\t#category : #Hello\n}\n\n"
      + "{ #category : #running }\nHelloMain class >> initialize [\n\tTranscript showln: 'package initialized with ' , Smalltalk arguments printString\n]\n");
    const pkg = strata(['run', '--image', image, path.join(dir, 'Hello'), 'x']);
    expect(pkg.stderr).toBe('');
    expect(pkg.stdout).toBe("package initialized with #('x')\n");
    expect(pkg.status).toBe(0);
  });

  it('runs the Bank sample package silently and ends with the exit code the program asks for', () => {
    expect(strata(['run', '--image', image, path.join(SAMPLES, 'tonel/Bank')]).status).toBe(0);
    const script = write('exit.st', "Transcript show: 'bye'.\nSmalltalk exit: 3.\nTranscript show: 'never'.\n");
    const r = strata(['run', '--image', image, script]);
    expect(r.stdout).toBe('bye');
    expect(r.status).toBe(3);
  });

  it('exits with 2 on bad usage and missing files', () => {
    const none = strata(['run', '--image', image]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/run needs a FILE/);
    const missing = strata(['run', '--image', image, path.join(dir, 'missing.st')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`${path.join(dir, 'missing.st')}: no such file or directory\n`);
    const badImage = strata(['run', '--image', path.join(dir, 'missing.image'), path.join(dir, 'args.st')]);
    expect(badImage.status).toBe(2);
    expect(badImage.stderr).toMatch(/missing\.image/);
  });
});
