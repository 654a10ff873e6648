// The http-service example shipped and run as a server on an ephemeral port of 127.0.0.1,
// then driven with real HTTP requests. Every wait is bounded; the server is killed at the end.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipApp } from '../../images/ship.ts';
import { baseImage, removeScratch, ROOT, scratchDir } from './helpers.ts';

let server: ChildProcess | null = null;
let base = '';
let stderr = '';

/** Starts the app and resolves with its URL once it prints that it is listening. */
function start(app: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [app, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 30 s; stdout: ${out} stderr: ${stderr}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => { stderr += t; });
    child.stdout.on('data', (t: string) => {
      out += t;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening: ${stderr}`));
    });
  });
}

async function request(method: string, url: string, body?: string): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const res = await fetch(base + url, { method, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: unknown = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

beforeAll(async () => {
  const dir = scratchDir('http');
  const shipped = await shipApp({
    image: baseImage(),
    out: path.join(dir, 'items'),
    load: [path.join(ROOT, 'examples/http-service')],
    main: 'ItemService main',
  });
  base = await start(shipped.mjsPath);
});

afterAll(() => {
  if (server !== null && server.exitCode === null) server.kill('SIGKILL');
  removeScratch();
});

describe('the http-service app', () => {
  it('answers GET /health', async () => {
    const r = await request('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.json).toEqual({ status: 'ok', items: 0 });
  });

  it('creates, reads, updates, lists and deletes items', async () => {
    const created = await request('POST', '/items', JSON.stringify({ name: 'tea ☃' }));
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: 1, name: 'tea ☃', done: false });
    expect(created.headers.get('location')).toBe('/items/1');
    expect((await request('POST', '/items', '{"name":"milk","done":true}')).json).toEqual({ id: 2, name: 'milk', done: true });
    expect((await request('GET', '/items/1')).json).toEqual({ id: 1, name: 'tea ☃', done: false });
    expect((await request('PUT', '/items/1', '{"done":true}')).json).toEqual({ id: 1, name: 'tea ☃', done: true });
    expect((await request('GET', '/items')).json).toEqual([{ id: 1, name: 'tea ☃', done: true }, { id: 2, name: 'milk', done: true }]);
    const deleted = await request('DELETE', '/items/2');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await request('GET', '/items/2')).status).toBe(404);
    expect((await request('GET', '/health')).json).toEqual({ status: 'ok', items: 1 });
  });

  it('answers 404, 405 and 400 as JSON errors', async () => {
    const missing = await request('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'no route for GET /nowhere' });
    const wrong = await request('PATCH', '/items/1');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT, DELETE');
    const bad = await request('POST', '/items', '{"name": ');
    expect(bad.status).toBe(400);
    expect((bad.json as { error: string }).error).toMatch(/^the body is not JSON: expected a value at character \d+$/);
    const noName = await request('POST', '/items', '{"done": true}');
    expect(noName.status).toBe(400);
  });

  it('decodes the path and the query', async () => {
    const r = await request('GET', '/echo?q=a%20b&x=1+2&flag');
    expect(r.json).toEqual({ method: 'GET', path: '/echo', query: { q: 'a b', x: '1 2', flag: '' }, userAgent: 'node' });
  });

  it('handles each request in a process of its own: a waiting handler holds up no other', async () => {
    const started = performance.now();
    const slow = request('GET', '/wait?ms=1500').then((r) => ({ r, at: performance.now() - started }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fast = await request('GET', '/health');
    const fastAt = performance.now() - started;
    expect(fast.status).toBe(200);
    const { r, at } = await slow;
    expect(r.json).toEqual({ waited: 1500 });
    expect(at).toBeGreaterThanOrEqual(1400);
    expect(fastAt).toBeLessThan(at);
  });

  it('serves concurrent requests', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `item ${i}`);
    const results = await Promise.all(names.map((name) => request('POST', '/items', JSON.stringify({ name }))));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const ids = results.map((r) => (r.json as { id: number }).id);
    expect(new Set(ids).size).toBe(names.length);
    const list = (await request('GET', '/items')).json as { name: string }[];
    for (const name of names) expect(list.some((item) => item.name === name)).toBe(true);
  });

  it('has written nothing on stderr', () => {
    expect(stderr).toBe('');
  });
});
