// Compiling a method typed at the prompt (`Foo >> bar [ ... ]`, `Foo class >> bar [ ... ]`)
// for its class, as Pharo's browser does: instance variables of the class in scope,
// capitalized names a class does not define yet allowed (they bind through Undeclared until
// the global is defined), a redefinition without a protocol keeping the old one.

import type { Host } from '../vm/host.ts';
import { HostCompileError } from '../vm/host.ts';
import type { Heap } from '../vm/heap.ts';
import { allInstVarNames, classOf } from '../vm/classes.ts';
import { lookupBinding } from '../vm/install.ts';
import type { MethodSpec } from '../vm/method-spec.ts';
import { findClass, findMethod, methodCategory, UNCLASSIFIED } from './introspection.ts';

export type TypedMethod =
  | { readonly ok: true; readonly spec: MethodSpec; /** The class or metaclass to install into. */ readonly target: number }
  /** Why not: no such class, or a compile error (its message, with position and caret). */
  | { readonly ok: false; readonly message: string };

export function compileTypedMethod(heap: Heap, host: Host, className: string, isMeta: boolean, source: string, category: string): TypedMethod {
  let cls: number;
  try {
    cls = findClass(heap, className);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const target = isMeta ? classOf(heap, cls) : cls;
  if (host.compile === null) return { ok: false, message: 'no compiler is installed' };
  let spec: MethodSpec;
  try {
    spec = host.compile({
      source,
      instVarNames: allInstVarNames(heap, target),
      isBound: (name) => lookupBinding(heap, name, target, false) !== 0 || /^[A-Z]/.test(name),
      className: `${className}${isMeta ? ' class' : ''}`,
      category: category === '' ? UNCLASSIFIED : category,
      doit: false,
    });
  } catch (e) {
    if (e instanceof HostCompileError) return { ok: false, message: e.message };
    throw e;
  }
  if (category === '') {
    let previous = UNCLASSIFIED;
    try {
      previous = methodCategory(heap, findMethod(heap, { className, isMeta, selector: spec.selector }));
    } catch {
      // a new method
    }
    spec = { ...spec, category: previous };
  }
  return { ok: true, spec, target };
}
