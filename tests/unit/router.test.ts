import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppInfo, MAX_REQUEST_BYTES, ResponseEnvelope, SessionStatus, type ApiErrorBody } from '../../src-shared/api';
import { createRouter } from '../../src-main/host/router';
import { SessionHost } from '../../src-main/host/session-host';

const appInfo: AppInfo = { name: 'Bullpen', version: '0.1.0-test', transport: 'direct', dataDir: '/tmp/bp', dbPath: '/tmp/bp/library.sqlite' };

// No worker is ever spawned by these tests: the router must answer before reaching the host.
const host = new SessionHost({
  workerFactory: () => {
    throw new Error('no sim worker in unit tests');
  },
  log: () => undefined,
});
const router = createRouter(host, appInfo);
afterAll(() => host.dispose());

async function send(req: unknown): Promise<ResponseEnvelope> {
  const text = JSON.stringify(req);
  const res = await router.handle(text, Buffer.byteLength(text));
  // every answer is a valid ResponseEnvelope
  expect(ResponseEnvelope.safeParse(res).success).toBe(true);
  return res;
}

function errorOf(res: ResponseEnvelope): ApiErrorBody {
  if (res.ok) throw new Error(`expected an error, got ${JSON.stringify(res)}`);
  return res.error;
}

describe('API router: well-formed requests', () => {
  it('answers app.info with the app info, echoing the request id', async () => {
    const res = await send({ id: 1, method: 'app.info', params: {} });
    expect(res).toEqual({ id: 1, ok: true, result: appInfo });
  });

  it('accepts a request without params and answers session.status with a valid idle status', async () => {
    const res = await send({ id: 2, method: 'session.status' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const status = SessionStatus.parse(res.result);
    expect(status).toMatchObject({ sessionId: null, health: 'idle', tick: 0, tickRate: 0 });
  });

  it('accepts the structured-clone object that IPC delivers, not only JSON text', async () => {
    const res = await router.handle({ id: 3, method: 'app.info' }, 40);
    expect(res).toEqual({ id: 3, ok: true, result: appInfo });
  });

  it('answers commands that need a session with no_session when none runs', async () => {
    for (const method of ['session.pause', 'session.resume', 'session.stop', 'session.restart']) {
      const err = errorOf(await send({ id: 4, method, params: {} }));
      expect(err.code, method).toBe('no_session');
    }
    expect(errorOf(await send({ id: 5, method: 'session.setSpeed', params: { speed: 2 } })).code).toBe('no_session');
    expect(errorOf(await send({ id: 6, method: 'session.input', params: { input: { kind: 'halt', desk: null, halted: true } } })).code).toBe(
      'no_session',
    );
  });

  it('answers events.recent and agent.history with empty lists before any session', async () => {
    expect(await send({ id: 7, method: 'events.recent', params: {} })).toEqual({ id: 7, ok: true, result: [] });
    expect(await send({ id: 8, method: 'agent.history', params: { agent: 0 } })).toEqual({ id: 8, ok: true, result: [] });
  });
});

describe('API router: malformed requests get typed errors, never exceptions', () => {
  it('refuses an oversize payload with payload_too_large before parsing it', async () => {
    const big = JSON.stringify({ id: 9, method: 'app.info', params: { pad: 'x'.repeat(MAX_REQUEST_BYTES) } });
    const res = await router.handle(big, Buffer.byteLength(big));
    // the id is still recovered so the client can match the error
    expect(res.id).toBe(9);
    expect(errorOf(res).code).toBe('payload_too_large');
    expect(errorOf(res).message).toContain(String(MAX_REQUEST_BYTES));
    // not parsed: oversize text that is not even JSON gets the same answer, not bad_request
    const junk = '{'.repeat(MAX_REQUEST_BYTES + 1);
    const res2 = await router.handle(junk, junk.length);
    expect(res2).toMatchObject({ id: -1, ok: false, error: { code: 'payload_too_large' } });
    // the limit is inclusive: exactly MAX_REQUEST_BYTES is parsed
    const exact = JSON.stringify({ id: 10, method: 'app.info' }).padEnd(MAX_REQUEST_BYTES, ' ');
    expect((await router.handle(exact, MAX_REQUEST_BYTES)).ok).toBe(true);
  });

  it('answers invalid JSON with bad_request and id -1', async () => {
    const res = await router.handle('{"id": 1, "method": ', 20);
    expect(res).toMatchObject({ id: -1, ok: false, error: { code: 'bad_request', message: 'Request is not valid JSON.' } });
  });

  it('reports envelope problems with their field paths', async () => {
    const missing = errorOf(await send({ id: 11 }));
    expect(missing.code).toBe('bad_request');
    expect(missing.issues?.map((i) => i.path)).toEqual(['method']);

    const wrongId = await send({ id: 'eleven', method: 'app.info' });
    expect(wrongId.id).toBe(-1);
    expect(errorOf(wrongId).issues?.map((i) => i.path)).toEqual(['id']);

    const negative = errorOf(await send({ id: -3, method: 'app.info' }));
    expect(negative.issues?.map((i) => i.path)).toEqual(['id']);

    const extra = errorOf(await send({ id: 12, method: 'app.info', token: 'x' }));
    expect(extra.code).toBe('bad_request');
    expect(extra.issues?.[0]?.path).toBe('(root)');
    expect(extra.issues?.[0]?.message).toContain('token');

    for (const notAnObject of [null, 42, 'app.info', [1, 2]]) {
      expect(errorOf(await send(notAnObject)).code, JSON.stringify(notAnObject)).toBe('bad_request');
    }
  });

  it('answers unknown methods with unknown_method, including inherited property names', async () => {
    for (const method of ['session.launch', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const res = await send({ id: 13, method, params: {} });
      expect(res.id).toBe(13);
      expect(errorOf(res), method).toMatchObject({ code: 'unknown_method', message: `Unknown method "${method}".` });
    }
  });

  it('refuses params of the wrong type with bad_request and the offending path', async () => {
    const cases: [string, unknown, string[]][] = [
      ['session.setSpeed', { speed: 'fast' }, ['speed']],
      ['session.setSpeed', { speed: 1000 }, ['speed']],
      ['session.setSpeed', {}, ['speed']],
      ['session.input', {}, ['input']],
      ['session.input', { input: { kind: 'setParam', param: 'volatility' } }, ['input.value']],
      ['session.input', { input: { kind: 'setParam', param: 'gravity', value: 1 } }, ['input.param']],
      ['session.input', { input: { kind: 'launch' } }, ['input.kind']],
      ['events.recent', { limit: 0 }, ['limit']],
      ['events.recent', { limit: 1.5 }, ['limit']],
      ['events.recent', { types: ['trade', 'bogus'] }, ['types.1']],
      ['agent.history', { agent: -1 }, ['agent']],
      ['agent.history', { limit: 10 }, ['agent']],
      ['session.start', { config: { crowd: 1_000_000 } }, ['config.crowd']],
      ['session.start', { config: { seed: 'one' } }, ['config.seed']],
      ['session.pause', 'now', ['(root)']],
    ];
    for (const [method, params, paths] of cases) {
      const err = errorOf(await send({ id: 14, method, params }));
      expect(err.code, `${method} ${JSON.stringify(params)}`).toBe('bad_request');
      expect(err.message).toBe(`Invalid params for ${method}.`);
      expect(err.issues?.map((i) => i.path), `${method} ${JSON.stringify(params)}`).toEqual(paths);
    }
  });

  it('refuses unexpected extra params (strict schemas)', async () => {
    const err = errorOf(await send({ id: 15, method: 'session.pause', params: { force: true } }));
    expect(err.code).toBe('bad_request');
    expect(err.issues?.[0]?.message).toContain('force');
    const err2 = errorOf(await send({ id: 16, method: 'session.start', params: { config: { seed: 1, turbo: true } } }));
    expect(err2.issues?.[0]?.path).toBe('config');
  });

  it('turns a host failure into an internal error with its message, never a throw', async () => {
    const spy = vi.spyOn(host, 'status').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    try {
      const res = await send({ id: 17, method: 'session.status' });
      expect(res).toEqual({ id: 17, ok: false, error: { code: 'internal', message: 'Internal error: disk on fire' } });
    } finally {
      spy.mockRestore();
    }
    // a worker that cannot even be created: an internal error naming the cause
    const start = errorOf(await send({ id: 18, method: 'session.start', params: {} }));
    expect(start.code).toBe('internal');
    expect(start.message).toContain('no sim worker in unit tests');
  });

  it('never throws, whatever it is handed', async () => {
    const weird: [unknown, number][] = [
      [undefined, 0],
      [null, 4],
      [Symbol('x'), 1],
      [{ id: 1, method: 'app.info' }, Number.NaN],
      [{ id: 1, method: 'app.info' }, Number.POSITIVE_INFINITY],
      [new Uint8Array([1, 2, 3]), 3],
    ];
    for (const [raw, size] of weird) {
      const res = await router.handle(raw, size);
      expect(res.ok).toBe(false);
    }
  });
});
