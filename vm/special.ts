// The special-objects array (the root of the world, ARCHITECTURE §3) and the class
// indexes the VM knows without looking anything up. Both lists only grow: an image
// records its special-objects array, so changing an existing index breaks old images
// (the image format version must change with it).

/** Slots of the special-objects array. */
export const Special = {
  nil: 0,
  false: 1,
  true: 2,
  /** The SystemDictionary `Smalltalk`. */
  smalltalk: 3,
  /** The class table: an Array whose slot i holds the class with class index i (or nil). */
  classTable: 4,
  /** The symbol table: a hashed set of every Symbol (see the VM's symbol code). */
  symbolTable: 5,
  /** The ProcessorScheduler `Processor`. */
  scheduler: 6,
  /** Array of the symbols of vm/opcodes.ts SPECIAL_SELECTORS, in that order. */
  specialSelectors: 7,
  /** The Character table is not needed (characters are immediates); slot kept for order. */
  reserved8: 8,
  doesNotUnderstand: 9,
  mustBeBoolean: 10,
  cannotReturn: 11,
  /** #run:with:in: style hooks and other selectors the VM sends. */
  reserved12: 12,
  /** Workspace bindings of the REPL (a Dictionary), so they are saved with the image. */
  workspace: 13,
  /** The startup action (a block or nil) run when the image boots. */
  startUpAction: 14,
  /** The `Undeclared` dictionary: bindings of names methods use before they are defined. */
  undeclared: 15,
  /** #aboutToReturn:through:, sent when a non-local return crosses an unwind-marked context. */
  aboutToReturn: 16,
} as const;

export const SPECIAL_OBJECTS_SIZE = 32;

/**
 * Class indexes fixed by the VM. Index 0 means "free". Immediates have no header,
 * so their classes are found through these indexes.
 */
export const ClassIndex = {
  free: 0,
  SmallInteger: 1,
  Character: 2,
  UndefinedObject: 3,
  True: 4,
  False: 5,
  Array: 6,
  String: 7,
  Symbol: 8,
  ByteArray: 9,
  Float: 10,
  LargePositiveInteger: 11,
  LargeNegativeInteger: 12,
  CompiledMethod: 13,
  BlockClosure: 14,
  Context: 15,
  Association: 16,
  Message: 17,
  MethodDictionary: 18,
  Metaclass: 19,
  Class: 20,
  Object: 21,
  /** Strings and symbols with a character above 255: 32-bit code points. */
  WideString: 22,
  WideSymbol: 23,
  /** First index handed out to classes the bootstrap or the user creates. */
  firstFree: 64,
} as const;
