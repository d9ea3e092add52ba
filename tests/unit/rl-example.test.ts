import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('docs/RL.md example', () => {
  it('`node --import tsx src-workers/rl/examples/mean-reversion.ts` trains a custom Env from a plain Node script', { timeout: 90_000 }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src-workers/rl/examples/mean-reversion.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 85_000,
    });
    const m = /mean return (-?[\d.]+) before → (-?[\d.]+) after training/.exec(out);
    expect(m, out).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(10);
    expect(Number(m![2])).toBeGreaterThan(Number(m![1]) + 10);
    expect(out).toContain('buy at −1σ: 2, sell at +1σ: 0');
  });
});
