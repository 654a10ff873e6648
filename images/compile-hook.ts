// Connects the VM's host compile hook (vm/host.ts) to the compiler: the one place where a
// running world reaches compiler/ (vm/ never imports it, ARCHITECTURE §1.7).

import { compileDoit, compileMethod } from '../compiler/compile.ts';
import { CompileError } from '../compiler/errors.ts';
import { HostCompileError, type CompileRequest } from '../vm/host.ts';
import type { MethodSpec } from '../vm/method-spec.ts';

export function compileForHost(req: CompileRequest): MethodSpec {
  const env = { instVarNames: req.instVarNames, isBound: req.isBound };
  try {
    return req.doit
      ? compileDoit(req.source, env, { category: req.category })
      : compileMethod(req.source, env, { className: req.className, category: req.category });
  } catch (e) {
    if (e instanceof CompileError) throw new HostCompileError(e.message);
    throw e;
  }
}
