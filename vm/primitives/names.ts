// Strata's named primitives (`<primitive: 'name' module: 'Module'>`), numbered from
// FIRST_NAMED_PRIMITIVE in the order of this list. Installed methods store the number, so
// the list is APPEND-ONLY: reordering or removing an entry changes what saved images call.
// (To retire one, leave its row and make its implementation fail.)

export const FIRST_NAMED_PRIMITIVE = 1000;

export const NAMED_PRIMITIVES: readonly (readonly [module: string, name: string])[] = [
  ['Context', 'jump'],
  ['Context', 'jumpWith:'],
  ['VM', 'unhandledError'],
  ['Classes', 'addSelectorWithMethod'],
  ['Classes', 'removeSelector'],
  ['Classes', 'flushCache'],
  ['Symbols', 'intern'],
  ['Symbols', 'findInterned'],
  ['Symbols', 'allSymbols'],
  ['Object', 'isReadOnly'],
  ['Object', 'setReadOnly'],
  ['String', 'hash'],
  ['String', 'compare'],
  ['String', 'asSymbol'],
  ['String', 'asString'],
  ['String', 'indexOf'],
  ['Host', 'stdoutWrite'],
  ['Host', 'stderrWrite'],
  ['Float', 'printString'],
  ['Float', 'fromString'],
  ['Compiler', 'compileMethod'],
  ['Compiler', 'evaluate'],
  ['Integer', 'printStringBase'],
  ['Integer', 'fromString'],
  ['Classes', 'defineClass'],
  ['System', 'globalAt'],
  ['System', 'globalAtPut'],
  ['Host', 'exit'],
  ['Float', 'printStringDigits'],
  ['Integer', 'gcd'],
  ['Integer', 'sqrtFloor'],
  ['System', 'contextTrace'],
  ['Classes', 'className'],
  ['String', 'sameAs'],
  ['String', 'asUppercase'],
  ['String', 'asLowercase'],
  ['Integer', 'highBit'],
  ['Float', 'cos'],
  ['Float', 'tan'],
  ['Float', 'arcSin'],
  ['Float', 'arcCos'],
  ['Float', 'log10'],
  ['Float', 'raisedTo'],
  ['Character', 'isLetter'],
  ['Character', 'isUppercase'],
  ['Character', 'isLowercase'],
  ['Character', 'toUppercase'],
  ['Character', 'toLowercase'],
  ['Object', 'allInstances'],
  ['Classes', 'defineClassInstanceVariables'],
  ['File', 'kind'],
  ['File', 'contents'],
  ['File', 'binaryContents'],
  ['File', 'write'],
  ['File', 'delete'],
  ['File', 'entries'],
  ['File', 'size'],
  ['File', 'modificationTime'],
  ['File', 'createDirectory'],
  ['File', 'rename'],
  ['File', 'workingDirectory'],
  ['File', 'resolve'],
  ['File', 'separator'],
  ['OS', 'arguments'],
  ['OS', 'getenv'],
  ['OS', 'platform'],
  ['OS', 'stdinContents'],
  ['OS', 'stdinBinaryContents'],
  ['OS', 'stdinNextLine'],
  ['OS', 'stdinAtEnd'],
  ['OS', 'startUpAction'],
  ['OS', 'setStartUpAction'],
  ['Http', 'listen'],
  ['Http', 'respond'],
  ['Http', 'close'],
  ['Image', 'save'],
  ['Process', 'resume'],
  ['Process', 'suspend'],
  ['Process', 'terminateActive'],
  ['Process', 'yield'],
  ['Process', 'wait'],
  ['Process', 'signal'],
  ['Process', 'newContext'],
  ['Process', 'installScheduler'],
  ['Process', 'scheduleDelay'],
  ['Process', 'unscheduleDelay'],
  ['Process', 'saveTo'],
  ['Process', 'loadFrom'],
];

const BY_NAME = new Map<string, number>();
const BY_BARE_NAME = new Map<string, number>();
NAMED_PRIMITIVES.forEach(([module, name], i) => {
  BY_NAME.set(`${module}\0${name}`, FIRST_NAMED_PRIMITIVE + i);
  BY_BARE_NAME.set(name, FIRST_NAMED_PRIMITIVE + i);
});

/** The number of a named primitive, or 0 when this VM has no such primitive (calls just fail). */
export function namedPrimitiveIndex(module: string | null, name: string): number {
  if (module === null) return BY_BARE_NAME.get(name) ?? 0;
  return BY_NAME.get(`${module}\0${name}`) ?? 0;
}

/** `Module>>name` for a named primitive number, or null. */
export function namedPrimitiveName(index: number): string | null {
  const row = NAMED_PRIMITIVES[index - FIRST_NAMED_PRIMITIVE];
  return row ? `${row[0]}>>${row[1]}` : null;
}

/** The number for a named primitive that the VM itself implements; throws if it is not listed. */
export function named(module: string, name: string): number {
  const n = BY_NAME.get(`${module}\0${name}`);
  if (n === undefined) throw new Error(`no named primitive ${module}>>${name}`);
  return n;
}
