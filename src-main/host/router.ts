import {
  ApiError,
  MAX_REQUEST_BYTES,
  RequestEnvelope,
  apiSchemas,
  badRequest,
  type AppInfo,
  type Method,
  type ParsedParams,
  type ResponseEnvelope,
  type Result,
} from '../../src-shared/api';
import type { RecordingService } from '../replay/service';
import { dataRoutes } from './routes/data';
import { tournamentRoutes } from './routes/tournament';
import { trainingRoutes } from './routes/training';
import { scenarioControlFor } from './scenario-control';
import type { RouterServices } from './services';
import type { SessionHost } from './session-host';

/**
 * The one API router behind both transports (Electron IPC and the browser-mode WebSocket). It takes
 * a raw request — the JSON text of a WebSocket message, or the structured-cloned object from IPC —
 * and its size in bytes, and always answers with a ResponseEnvelope: it never throws.
 *
 * Order of checks: size (before parsing), JSON, envelope shape, method name, params (zod), then the
 * host call. Failures map to the contract's error codes: payload_too_large, bad_request (with field
 * issues), unknown_method, no_session (from the host), internal (anything unexpected, with a message).
 */
export interface Router {
  handle(raw: unknown, byteLength: number): Promise<ResponseEnvelope>;
}

type Handlers = { [M in Method]: (params: ParsedParams<M>) => Promise<Result<M>> | Result<M> };

/** Reads `"id": N` at the start of an oversize text request without parsing it, so the client can match the error. */
function leadingId(raw: unknown): number {
  if (typeof raw !== 'string') return -1;
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(raw.slice(0, 64));
  return m ? Number(m[1]) : -1;
}

function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(apiSchemas, name);
}

function fail(id: number, err: ApiError): ResponseEnvelope {
  return { id, ok: false, error: err.toBody() };
}

export function createRouter(host: SessionHost, appInfo: AppInfo, recordings?: RecordingService, services: RouterServices = {}): Router {
  const rec = (): RecordingService => {
    if (!recordings) throw new ApiError({ code: 'no_recording', message: 'Recordings are not available: the library is not open.' });
    return recordings;
  };
  // created now so it collects scenario reports from the start; refuses changes while a recording is viewed
  const isLive = (): boolean => !recordings || recordings.state() === null;
  const scenarioControl = scenarioControlFor(host, { isLive });
  const scenarios = (): typeof scenarioControl => scenarioControl;
  const handlers: Handlers = {
    'recording.list': (p) => rec().list(p.limit),
    'recording.open': (p) => rec().open(p.id),
    'recording.close': () => rec().close(),
    'recording.state': () => (recordings ? recordings.state() : null),
    'recording.play': () => rec().play(),
    'recording.pause': () => {
      const s = rec().pause();
      if (!s) throw new ApiError({ code: 'no_recording', message: 'No recording is open.' });
      return s;
    },
    'recording.setSpeed': (p) => rec().setSpeed(p.speed),
    'recording.step': (p) => rec().step(p.delta),
    'recording.seek': (p) => rec().seek(p.tick),
    'recording.jump': (p) => rec().jump(p.dir, p.kinds),
    'recording.marks': (p) => rec().marks(p.id),
    'recording.events': (p) => rec().events(p.fromTick, p.toTick, p.types, p.agent, p.limit),
    'recording.bars': (p) => rec().bars(p.id, p.symbol),
    'recording.equity': (p) => rec().equity(p.id),
    'recording.fork': (p) => rec().fork(p.tick),
    'recording.compare': (p) => rec().compare(p.a, p.b),
    'recording.rename': (p) => rec().rename(p.id, p.name),
    'recording.tag': (p) => rec().tag(p.id, p.add, p.remove),
    'recording.delete': (p) => rec().delete(p.id),
    'recording.vacuum': () => rec().vacuum(),
    'recording.export': (p) => rec().export(p.id, p.format, p.out),
    'recording.import': (p) => rec().import(p.file),
    'app.info': () => appInfo,
    'session.start': (p) => host.start(p.config ?? {}),
    'session.stop': () => host.stop(),
    'session.restart': () => host.restart(),
    'session.pause': () => host.pause(),
    'session.resume': () => host.resume(),
    'session.setSpeed': (p) => host.setSpeed(p.speed),
    'session.status': () => host.status(),
    'session.info': () => host.info(),
    'session.input': (p) => {
      scenarioControl.assertLive('an input');
      return host.input(p.input);
    },
    'events.recent': (p) => host.recentEvents(p.limit, p.types),
    'agent.history': (p) => host.agentHistory(p.agent, p.limit),
    // scenarios, live market parameters, breakers, difficulty: refused while a recording is being viewed
    'scenario.list': () => scenarios().list(),
    'scenario.get': (p) => scenarios().get(p.name),
    'scenario.inject': (p) => scenarios().inject(p),
    'scenario.cancel': (p) => scenarios().cancel(p.id, p.shock),
    'scenario.active': () => scenarios().active(),
    'scenario.reports': (p) => scenarios().recentReports(p.limit),
    'market.setParams': (p) => scenarios().setParams(p),
    'breakers.configure': (p) => scenarios().configureBreakers(p.config),
    'difficulty.list': () => scenarios().difficulties(),
    'difficulty.apply': (p) => scenarios().applyDifficulty(p.name, p.seed),
    'crowd.inspect': (p) => host.inspectCrowd(p.index),
    'floor.metrics': () => host.metrics(),
    ...trainingRoutes({ host, services, isLive }),
    ...dataRoutes({ host, services, isLive }),
    ...tournamentRoutes({ host, services, isLive }),
  };

  async function dispatch<M extends Method>(method: M, rawParams: unknown): Promise<Result<M>> {
    const schema = apiSchemas[method].params;
    const parsed = schema.safeParse(rawParams ?? {});
    if (!parsed.success) throw badRequest(`Invalid params for ${method}.`, parsed.error);
    const handler = handlers[method] as (p: ParsedParams<M>) => Promise<Result<M>> | Result<M>;
    return handler(parsed.data as ParsedParams<M>);
  }

  async function handle(raw: unknown, byteLength: number): Promise<ResponseEnvelope> {
    let id = -1;
    try {
      if (!Number.isFinite(byteLength) || byteLength > MAX_REQUEST_BYTES) {
        return fail(
          leadingId(raw),
          new ApiError({
            code: 'payload_too_large',
            message: `Request of ${byteLength} bytes exceeds the limit of ${MAX_REQUEST_BYTES} bytes.`,
          }),
        );
      }
      let value: unknown = raw;
      if (typeof raw === 'string') {
        try {
          value = JSON.parse(raw);
        } catch {
          return fail(-1, badRequest('Request is not valid JSON.'));
        }
      }
      // recover the id early so even an invalid envelope's error can be matched by the client
      if (typeof value === 'object' && value !== null && 'id' in value) {
        const maybe = (value as { id: unknown }).id;
        if (typeof maybe === 'number' && Number.isInteger(maybe) && maybe >= 0) id = maybe;
      }
      const env = RequestEnvelope.safeParse(value);
      if (!env.success) return fail(id, badRequest('Invalid request envelope.', env.error));
      const { method, params } = env.data;
      if (!isMethod(method)) {
        return fail(id, new ApiError({ code: 'unknown_method', message: `Unknown method "${method}".` }));
      }
      const result = await dispatch(method, params);
      return { id, ok: true, result };
    } catch (err) {
      if (err instanceof ApiError) return fail(id, err);
      const message = err instanceof Error ? err.message : String(err);
      return fail(id, new ApiError({ code: 'internal', message: `Internal error: ${message}` }));
    }
  }

  return { handle };
}
