import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { AppInfo } from '../../src-shared/api';
import { APP_VERSION } from '../host/app-version';
import { nodeWorkerFactory } from '../host/node-worker';
import { createRouter } from '../host/router';
import { SessionHost } from '../host/session-host';
import { libraryBarLoader } from '../host/historical-bars';
import { openLibrary, type Library } from '../store/library';
import { Recorder } from '../store/recorder';
import { RunStore } from '../store/runs';
import { TrainingService } from '../training/service';
import { TournamentService } from '../tournament/service';
import { RecordingService } from '../replay/service';
import { dataDir, libraryPath } from '../store/paths';
import { startWebServer, type WebServer } from './server';

/**
 * `npm run serve`: browser mode. Opens the library, starts a host with a default session, serves
 * the built renderer and the WebSocket API on 127.0.0.1, and prints the URL to open.
 */

/** the built renderer; BULLPEN_RENDERER_DIR points at another build (vite.renderer.config.ts honours it too) */
export const DEFAULT_RENDERER_DIR = process.env.BULLPEN_RENDERER_DIR || fileURLToPath(new URL('../../out/renderer', import.meta.url));

export interface ServeOptions {
  seed?: number;
  /** crowd traders of the first session (default: SessionConfig's default) */
  crowd?: number;
  port?: number;
  /** library database file (default: the data folder's library) */
  db?: string;
  rendererDir?: string;
}

export interface Serving {
  server: WebServer;
  host: SessionHost;
  library: Library;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions = {}): Promise<Serving> {
  const dbPath = opts.db ?? libraryPath();
  const library = openLibrary(dbPath, { appVersion: APP_VERSION });
  // every session is recorded (docs/SCHEMA.md); sessions cut off last time are marked interrupted here
  const recorder = new Recorder(library);
  const host = new SessionHost({ workerFactory: nodeWorkerFactory(), recorder, appVersion: APP_VERSION, loadBars: libraryBarLoader(() => library.db) });
  const appInfo: AppInfo = {
    name: 'Bullpen',
    version: APP_VERSION,
    transport: 'websocket',
    dataDir: opts.db ? dirname(dbPath) : dataDir(),
    dbPath,
  };
  // training runs in its own worker pool, stored in the same library (docs/RL.md)
  const training = new TrainingService({ store: new RunStore(library.db), recoverInterrupted: true });
  // strategy tournaments: their own pool; progress is pushed to every client (docs/TOURNAMENTS.md)
  const tournaments = new TournamentService({ library });
  tournaments.subscribe((msg) => host.publish(msg));
  const router = createRouter(host, appInfo, new RecordingService(library, host), { library, training, tournaments });
  let server: WebServer | null = null;
  try {
    await host.start({ seed: opts.seed ?? 1, ...(opts.crowd !== undefined ? { crowd: opts.crowd } : {}) });
    server = await startWebServer({ host, router, rendererDir: opts.rendererDir ?? DEFAULT_RENDERER_DIR, port: opts.port ?? 0 });
  } catch (err) {
    await training.close();
    await tournaments.close();
    await host.dispose();
    recorder.close();
    library.close();
    throw err;
  }
  const srv = server;
  let closing: Promise<void> | null = null;
  return {
    server: srv,
    host,
    library,
    close: () =>
      (closing ??= (async () => {
        await srv.close();
        await training.close();
        await tournaments.close();
        await host.dispose();
        recorder.close();
        library.close();
      })()),
  };
}

function parseInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Runs until SIGINT/SIGTERM; shared by `node src-main/web/serve.ts` and `bullpen serve`. */
export async function runServe(opts: ServeOptions): Promise<void> {
  const s = await serve(opts);
  const stats = s.host.status();
  process.stderr.write(
    `Bullpen browser mode — session ${stats.sessionId ?? '?'} (seed ${opts.seed ?? 1}), library ${s.library.path}\n`,
  );
  process.stdout.write(`\n  Open Bullpen at:  ${s.server.url}\n\n  (Ctrl+C to stop)\n\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    // stays installed: Ctrl+C reaches both scripts/serve.mjs (which forwards it) and this process
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write('Stopping…\n');
      void s.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function parseServeArgs(argv: string[]): ServeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      crowd: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      build: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const out: ServeOptions = {};
  const seed = parseInteger('seed', values.seed, 0, 0xffff_ffff);
  const port = parseInteger('port', values.port, 0, 65535);
  if (seed !== undefined) out.seed = seed;
  const crowd = parseInteger('crowd', values.crowd, 0, 100_000);
  if (crowd !== undefined) out.crowd = crowd;
  if (port !== undefined) out.port = port;
  if (values.db !== undefined) out.db = values.db;
  return out;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  try {
    await runServe(parseServeArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`bullpen serve: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
