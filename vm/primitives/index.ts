// The primitive table: index = primitive number (Squeak's numbering below 1000, Strata's
// named primitives from FIRST_NAMED_PRIMITIVE, see names.ts). Missing entries fail, so the
// method's Smalltalk code runs.

import type { PrimFn } from '../state.ts';
import { FIRST_NAMED_PRIMITIVE, NAMED_PRIMITIVES, named } from './names.ts';
import { installBlockPrimitives } from './block.ts';
import { installCollectionPrimitives } from './collection.ts';
import { installFilePrimitives } from './file.ts';
import { installFloatPrimitives } from './float.ts';
import { installHttpPrimitives } from './http.ts';
import { installImagePrimitives } from './image.ts';
import { installIntegerPrimitives } from './integer.ts';
import { installMethodPrimitives } from './method.ts';
import { installObjectPrimitives } from './object.ts';
import { installOsPrimitives } from './os.ts';
import { installProcessPrimitives } from './process.ts';
import { installStringPrimitives } from './string.ts';
import { installSystemPrimitives } from './system.ts';

export function buildPrimitiveTable(): (PrimFn | undefined)[] {
  const table: (PrimFn | undefined)[] = new Array(FIRST_NAMED_PRIMITIVE + NAMED_PRIMITIVES.length).fill(undefined);
  installIntegerPrimitives(table, named);
  installFloatPrimitives(table, named);
  installObjectPrimitives(table, named);
  installCollectionPrimitives(table);
  installStringPrimitives(table, named);
  installBlockPrimitives(table, named);
  installSystemPrimitives(table, named);
  installMethodPrimitives(table, named);
  installFilePrimitives(table, named);
  installOsPrimitives(table, named);
  installHttpPrimitives(table, named);
  installImagePrimitives(table, named);
  installProcessPrimitives(table, named);
  return table;
}

/** The one shared table (primitives are stateless functions). */
export const PRIMITIVES: readonly (PrimFn | undefined)[] = buildPrimitiveTable();
