// HTTP server primitives (module 'Http') over Node's http module: listen, respond, close.
// The Smalltalk side (an HttpServer class, see examples/http-service/) owns routing and
// JSON; this file only moves requests in and responses out.
//
// Requests arrive as host events (events.ts), sent to the class of the object that called
// listen (looked up by name when the event is delivered):
//   server: id listeningOn: port                                  once the socket is bound
//   server: id failed: reason                                     the socket could not be bound
//   server: id request: rid method: m url: u path: p query: q headers: h body: b
// for each complete request, where u is the request target as sent ('/items/7?x=1'), p an
// Array of its path segments percent-decoded (#('items' '7')), q a flat Array of the decoded
// query parameters (name, value, ...), h a flat Array of the headers (lower-case name,
// value, ...) and b the body decoded as UTF-8. The handler answers with `respond` (rid,
// status, headers, body), then or later (the example server handles each request in a
// process of its own). A request whose event evaluation ends with an unhandled error gets a
// 500 at once.
//
// node:http is loaded on first listen, not at VM start: it costs more to load than the
// whole VM bundle, and most programs never serve HTTP.

import { createRequire } from 'node:module';
import nodePath from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { PrimFn, VMState } from '../state.ts';
import { PRIM_FAIL } from '../state.ts';
import { arrayElements, newString } from '../objects.ts';
import { className, classOf } from '../classes.ts';
import { ClassIndex } from '../special.ts';
import { smallInt } from '../oop.ts';
import { arg, receiver, smallOf, stringOf } from './support.ts';
import { bytesToWrite, errorReason } from './host-io.ts';
import { eventQueueOf, type EventQueue } from './events.ts';

/** Request bodies above this are refused with 413 before Smalltalk sees them. */
export const MAX_BODY_BYTES = 1024 * 1024;

type HttpModule = typeof import('node:http');
let httpModule: HttpModule | null = null;

function http(): HttpModule {
  // Any base path resolves a builtin; the working directory exists in every kind of bundle.
  httpModule ??= createRequire(nodePath.join(process.cwd(), 'strata-http.js'))('node:http') as HttpModule;
  return httpModule;
}

/** The servers and unanswered requests of one VM. */
class HttpSession {
  readonly servers: Map<number, Server>;
  readonly pending: Map<number, ServerResponse>;
  nextServerId: number;
  nextRequestId: number;

  constructor() {
    this.servers = new Map();
    this.pending = new Map();
    this.nextServerId = 1;
    this.nextRequestId = 1;
  }
}

const sessions = new WeakMap<VMState, HttpSession>();

function sessionOf(s: VMState): HttpSession {
  let session = sessions.get(s);
  if (session === undefined) {
    session = new HttpSession();
    sessions.set(s, session);
  }
  return session;
}

function failWith(s: VMState, reason: string): number {
  s.primError = newString(s.heap, reason);
  return PRIM_FAIL;
}

function sendPlain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The decoded path segments and query parameters of a request target. */
export function splitTarget(target: string): { path: string[]; query: string[] } {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const path = rawPath.split('/').filter((seg) => seg !== '').map(decode);
  const query: string[] = [];
  if (q >= 0) {
    for (const pair of target.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      query.push(decode(name.replace(/\+/g, ' ')), decode(value.replace(/\+/g, ' ')));
    }
  }
  return { path, query };
}

function onRequest(session: HttpSession, queue: EventQueue, dispatcher: string, serverId: number, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      refused = true;
      sendPlain(res, 413, `request body larger than ${MAX_BODY_BYTES} bytes\n`);
      req.resume();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const id = session.nextRequestId++;
    session.pending.set(id, res);
    res.on('close', () => session.pending.delete(id));
    const headers: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push(req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]);
    const target = req.url ?? '/';
    const { path, query } = splitTarget(target);
    queue.post({
      receiver: dispatcher,
      selector: 'server:request:method:url:path:query:headers:body:',
      args: [serverId, id, req.method ?? 'GET', target, path, query, headers, Buffer.concat(chunks).toString('utf8')],
      // The handler may answer later, from a process it forked; only an error that ended
      // the event's evaluation means that no answer will come.
      settled: (error) => {
        const open = session.pending.get(id);
        if (error === null || open === undefined) return;
        session.pending.delete(id);
        sendPlain(open, 500, `${error}\n`);
      },
    });
  });
}

export function installHttpPrimitives(table: (PrimFn | undefined)[], named: (module: string, name: string) => number): void {
  // listen: port host -> a server id (SmallInteger). Binding finishes later: the receiver's
  // class is sent server:listeningOn: or server:failed:.
  table[named('Http', 'listen')] = (s, argc) => {
    const port = smallOf(arg(s, argc, 0));
    const host = stringOf(s, arg(s, argc, 1));
    if (port === null || port < 0 || port > 65535 || host === null) return PRIM_FAIL;
    const queue = eventQueueOf(s);
    if (!queue.hasDriver) return failWith(s, 'this VM delivers no events: run the program as a shipped app (strata ship)');
    const session = sessionOf(s);
    const dispatcher = className(s.heap, classOf(s.heap, receiver(s, argc)));
    const id = session.nextServerId++;
    const server = http().createServer((req, res) => onRequest(session, queue, dispatcher, id, req, res));
    session.servers.set(id, server);
    server.on('listening', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      queue.post({ receiver: dispatcher, selector: 'server:listeningOn:', args: [id, bound], settled: null });
    });
    server.on('error', (e) => {
      session.servers.delete(id);
      queue.post({ receiver: dispatcher, selector: 'server:failed:', args: [id, errorReason(e)], settled: null });
    });
    server.listen(port, host);
    return smallInt(id);
  };
  // respond: requestId status headers body -> true, or false when the client has gone.
  // headers is an Array of Strings (name, value, ...); body a String (sent as UTF-8) or a ByteArray.
  table[named('Http', 'respond')] = (s, argc) => {
    const heap = s.heap;
    const id = smallOf(arg(s, argc, 0));
    const status = smallOf(arg(s, argc, 1));
    const headerArray = arg(s, argc, 2);
    const body = bytesToWrite(heap, arg(s, argc, 3));
    if (id === null || status === null || status < 100 || status > 999 || body === null) return PRIM_FAIL;
    if ((headerArray & 3) !== 0 || heap.classIndexOf(headerArray) !== ClassIndex.Array) return PRIM_FAIL;
    const words = arrayElements(heap, headerArray).map((h) => stringOf(s, h));
    if (words.length % 2 !== 0 || words.some((w) => w === null)) return PRIM_FAIL;
    const session = sessionOf(s);
    const res = session.pending.get(id);
    if (res === undefined) return s.falseOop;
    session.pending.delete(id);
    // A flat [name, value, ...] list keeps repeated headers (set-cookie) as given.
    const headers = [...(words as string[]), 'content-length', String(body.length)];
    try {
      res.writeHead(status, headers);
      res.end(body);
    } catch (e) {
      return failWith(s, errorReason(e));
    }
    return s.trueOop;
  };
  // close: serverId -> receiver. Stops accepting connections and drops idle keep-alive ones.
  table[named('Http', 'close')] = (s, argc) => {
    const id = smallOf(arg(s, argc, 0));
    if (id === null) return PRIM_FAIL;
    const session = sessionOf(s);
    const server = session.servers.get(id);
    if (server !== undefined) {
      session.servers.delete(id);
      server.close();
      server.closeIdleConnections();
    }
    return receiver(s, argc);
  };
}
