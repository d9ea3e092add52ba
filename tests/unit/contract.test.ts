import { describe, expect, it } from 'vitest';
import { apiSchemas, BullpenEvent, defaultSessionConfig, Input, SessionConfig } from '../../src-shared';

describe('session configuration', () => {
  it('fills the documented defaults', () => {
    expect(defaultSessionConfig()).toEqual({ seed: 1, symbols: 4, crowd: 2000, desks: 5, speed: 1, market: { kind: 'simulated' } });
  });

  it('refuses out-of-range shapes with the field named', () => {
    for (const [bad, field] of [
      [{ symbols: 0 }, 'symbols'],
      [{ symbols: 33 }, 'symbols'],
      [{ crowd: -1 }, 'crowd'],
      [{ crowd: 100_001 }, 'crowd'],
      [{ seed: 1.5 }, 'seed'],
      [{ speed: 1000 }, 'speed'],
      [{ speed: Number.NaN }, 'speed'],
    ] as const) {
      const r = SessionConfig.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual([field]);
    }
  });

  it('refuses unknown keys rather than ignoring them', () => {
    expect(SessionConfig.safeParse({ crwod: 10 }).success).toBe(false);
  });
});

describe('inputs', () => {
  it('accepts a parameter change and a floor halt', () => {
    expect(Input.parse({ kind: 'setParam', param: 'volatility', value: 2 })).toEqual({ kind: 'setParam', param: 'volatility', value: 2 });
    expect(Input.parse({ kind: 'halt', desk: null, halted: true }).kind).toBe('halt');
  });

  it('refuses non-finite or negative values and unknown parameters', () => {
    expect(Input.safeParse({ kind: 'setParam', param: 'volatility', value: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(Input.safeParse({ kind: 'setParam', param: 'volatility', value: -1 }).success).toBe(false);
    expect(Input.safeParse({ kind: 'setParam', param: 'gravity', value: 1 }).success).toBe(false);
  });
});

describe('API schemas', () => {
  it('session.setSpeed takes 0.25x to 100x or max', () => {
    const p = apiSchemas['session.setSpeed'].params;
    expect(p.safeParse({ speed: 0.25 }).success).toBe(true);
    expect(p.safeParse({ speed: 'max' }).success).toBe(true);
    expect(p.safeParse({ speed: 0.1 }).success).toBe(false);
    expect(p.safeParse({ speed: '2x' }).success).toBe(false);
  });

  it('events carry session id, tick and sequence', () => {
    const ok = BullpenEvent.safeParse({ type: 'alert', sessionId: 's', tick: 3, seq: 9, severity: 'warning', source: 'risk', message: 'VaR breach' });
    expect(ok.success).toBe(true);
    const missingSeq = BullpenEvent.safeParse({ type: 'alert', sessionId: 's', tick: 3, severity: 'warning', source: 'risk', message: 'x' });
    expect(missingSeq.success).toBe(false);
  });
});

describe('inputs in words', () => {
  it('says what an input did, with the desk names of the roster', async () => {
    const { describeInput } = await import('../../src-shared');
    expect(describeInput({ kind: 'halt', desk: null, halted: true })).toBe('emergency halt: the whole floor stopped trading');
    expect(describeInput({ kind: 'halt', desk: 1, halted: false }, { desks: ['Trend Desk', 'Reversion Desk'] })).toBe('halt lifted: Reversion Desk trading again');
    expect(describeInput({ kind: 'setParam', param: 'volatility', value: 2 })).toBe('volatility set to 2×');
    expect(describeInput({ kind: 'setParam', param: 'feeBps', value: 5 })).toBe('fee level set to 5 bp');
    expect(describeInput({ kind: 'nonsense' })).toBe('an input this version does not know');
  });
});
