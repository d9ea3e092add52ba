import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export interface ServedFloor {
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
  output(): string;
}

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]+)/;

/** Starts the real browser-mode server (`npm run serve`'s entry) with a throwaway library. */
export async function serveFloor(args: string[] = []): Promise<ServedFloor> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bullpen-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src-main/web/serve.ts', ...args], {
    env: { ...process.env, BULLPEN_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const found = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL within 30 s:\n${log}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const m = log.match(URL_PATTERN);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  const origin = found[1] as string;
  const token = found[2] as string;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    output: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One API request over a fresh WebSocket opened by the page itself (same origin, same token), so
 * tests ask the host exactly as the renderer does.
 */
export async function pageApi<T>(page: Page, floor: ServedFloor, method: string, params: Record<string, unknown>): Promise<T> {
  const url = `${floor.origin.replace('http', 'ws')}/api?token=${floor.token}`;
  return page.evaluate(
    ({ url, method, params }) =>
      new Promise<T>((resolve, reject) => {
        const id = 4242;
        const ws = new WebSocket(url);
        const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 30_000); // generous: a loaded 2-core CI machine answers slowly, a dead host still fails the test
        ws.onopen = () => ws.send(JSON.stringify({ id, method, params }));
        ws.onmessage = (m) => {
          if (typeof m.data !== 'string') return;
          const msg = JSON.parse(m.data) as { id?: number; ok?: boolean; result?: T; error?: { message: string } };
          if (msg.id !== id) return;
          clearTimeout(timer);
          ws.close();
          if (msg.ok) resolve(msg.result as T);
          else reject(new Error(msg.error?.message ?? 'error'));
        };
        ws.onerror = () => reject(new Error('socket error'));
      }),
    { url, method, params },
  );
}
