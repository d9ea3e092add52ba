import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm start` without the Electron binary must explain itself in one paragraph and exit non-zero,
 * never dump a stack trace. ELECTRON_OVERRIDE_DIST_PATH (honoured by the electron package's
 * index.js) points at an empty folder, so the test means the same on a machine that has the binary.
 */
describe('npm start without the Electron binary', () => {
  it('prints one clear paragraph naming `npm run serve` and exits non-zero', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bullpen-no-electron-'));
    try {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'start-electron.mjs')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      });
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.error).toBeUndefined();
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      expect(out).toContain('npm run serve');
      expect(out).toMatch(/Electron binary/);
      expect(out).toMatch(/GitHub/);
      expect(out).not.toMatch(/^\s+at /m);
      expect(out).not.toMatch(/^\w*Error:/m);
      expect(out).not.toMatch(/node:internal/);
      // one paragraph: no blank lines inside the message
      expect(out.trim().split(/\n\s*\n/)).toHaveLength(1);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
