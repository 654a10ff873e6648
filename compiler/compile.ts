// Entry points: source (or an AST) -> MethodSpec. Parsing is parser.ts's job; here the
// primitive pragma is decoded, scopes analysed (codegen-analysis.ts) and code generated
// (codegen.ts).

import type { Literal, MethodSpec, Pragma, Primitive } from '../vm/method-spec.ts';
import type { MethodNode, PragmaNode, Span, VariableNode } from './ast.ts';
import { Analyzer } from './codegen-analysis.ts';
import type { ContextNames } from './codegen-debug.ts';
import { Generator } from './codegen.ts';
import { CompileError } from './errors.ts';
import { parseDoit, parseMethod } from './parser.ts';
import type { CompileEnv } from './scope.ts';

export type { CompileEnv } from './scope.ts';

export interface CompileOptions {
  file?: string;
  className?: string | null;
  category?: string;
}

/** Compiles a method definition (pattern and body). */
export function compileMethod(source: string, env: CompileEnv, opts: CompileOptions = {}): MethodSpec {
  return compileAst(parseMethod(source, { file: opts.file }), source, env, opts);
}

/** Compiles a doit: answers its last statement's value; undeclared names become workspace variables. */
export function compileDoit(source: string, env: CompileEnv, opts: CompileOptions = {}): MethodSpec {
  return compileAst(parseDoit(source, { file: opts.file }), source, env, opts);
}

export function compileAst(node: MethodNode, source: string, env: CompileEnv, opts: CompileOptions = {}): MethodSpec {
  return generate(node, source, env, opts, false).spec;
}

/** compileAst, plus (when `withNames`) the temp names of every context for the disassembler. */
export function generate(node: MethodNode, source: string, env: CompileEnv, opts: CompileOptions, withNames: boolean): {
  spec: MethodSpec;
  names: ContextNames[];
} {
  const fail = (reason: string, at: Span): never => {
    throw new CompileError(reason, source, at.start, opts.file);
  };
  const { primitive, errorTemp, pragmas } = decodePragmas(node.pragmas, node, fail);
  const analysis = new Analyzer(source, env, node.isDoit, opts.file).analyze(node, errorTemp);
  const gen = new Generator(analysis, fail, withNames);
  const { frameSize, names } = gen.generate(node);
  const spec: MethodSpec = {
    selector: node.isDoit ? 'DoIt' : node.selector,
    className: opts.className ?? null,
    category: opts.category ?? '',
    numArgs: node.params.length,
    numTemps: analysis.method.numSlots,
    frameSize,
    primitive,
    pragmas,
    literals: gen.e.literals,
    bytecodes: new Uint8Array(gen.e.code),
    sourceMap: gen.e.sourceMap,
    source,
    undeclared: analysis.undeclared,
  };
  return { spec, names };
}

interface DecodedPragmas {
  primitive: Primitive;
  errorTemp: VariableNode | null;
  pragmas: Pragma[];
}

const PRIMITIVE_KEYWORDS = new Set(['primitive:', 'primitive:error:', 'primitive:module:', 'primitive:module:error:']);

function textOf(lit: Literal | undefined): string | null {
  return lit && (lit.kind === 'string' || lit.kind === 'symbol') ? lit.value : null;
}

/**
 * `<primitive: 60>`, `<primitive: 'name' module: 'm'>`, `<primitive: 'name'>` and the
 * `error: ec` forms (ec, a symbol or bare word, names the temp that receives the
 * failure code). Every other pragma is kept as written.
 */
function decodePragmas(nodes: PragmaNode[], method: MethodNode, fail: (reason: string, at: Span) => never): DecodedPragmas {
  let primitive: Primitive = { kind: 'none' };
  let errorTemp: VariableNode | null = null;
  const pragmas: Pragma[] = [];
  for (const p of nodes) {
    if (!PRIMITIVE_KEYWORDS.has(p.keyword)) {
      pragmas.push({ keyword: p.keyword, args: p.args });
      continue;
    }
    if (method.isDoit) fail('a doit cannot have a primitive', p);
    if (primitive.kind !== 'none') fail('duplicate primitive pragma', p);
    const [first, second, third] = p.args;
    if (first.kind === 'integer') {
      if (p.keyword.includes('module:')) fail('a numbered primitive takes no module', p);
      if (first.value < 1n || first.value > 65535n) fail('primitive number must be in 1..65535', p);
      primitive = { kind: 'numbered', index: Number(first.value) };
    } else {
      const name = textOf(first);
      if (name === null || name === '') fail('primitive must be a number or a name string', p);
      let module: string | null = null;
      if (p.keyword.includes('module:')) {
        module = textOf(second);
        if (module === null) fail('primitive module must be a string', p);
      }
      primitive = { kind: 'named', name: name!, module };
    }
    if (p.keyword.endsWith('error:')) {
      const tempName = textOf(p.keyword.includes('module:') ? third : second);
      if (tempName === null || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tempName)) fail('primitive error code must name a variable', p);
      errorTemp = { type: 'variable', name: tempName!, start: p.start, end: p.end };
    }
  }
  return { primitive, errorTemp, pragmas };
}
