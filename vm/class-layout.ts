// Slot layout of class objects, fixed because the VM reads classes directly (lookup,
// instantiation, printing a class name in a trace or in `strata info`).
//
// A class's format slot is a SmallInteger: bits 0-15 are the number of named instance
// variables, bits 16-20 the object format of its instances (vm/layout.ts Format).

export const ClassSlot = {
  superclass: 0,
  methodDict: 1,
  format: 2,
  instanceVariables: 3,
  organization: 4,
  /** Class: an Array of the direct subclasses. Metaclass: the sole instance (thisClass). */
  subclasses: 5,
  thisClass: 5,
  /** Class only from here on. */
  name: 6,
  classPool: 7,
  sharedPools: 8,
  category: 9,
  comment: 10,
} as const;

export const CLASS_SLOTS = 11;
export const METACLASS_SLOTS = 6;

export function encodeClassFormat(instSize: number, format: number): number {
  return instSize | (format << 16);
}

export function instSizeOf(classFormat: number): number {
  return classFormat & 0xffff;
}

export function instFormatOf(classFormat: number): number {
  return (classFormat >>> 16) & 0x1f;
}
