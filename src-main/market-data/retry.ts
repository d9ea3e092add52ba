/** Retries with exponential back-off; deterministic (no jitter) so tests are exact. */

export interface RetryPolicy {
  /** retries after the first attempt */
  retries: number;
  /** wait before the first retry; doubles each time */
  baseMs: number;
  maxMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryDecision {
  retry: boolean;
  /** at least this long before the next attempt (e.g. a Retry-After header) */
  minWaitMs?: number;
}

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retry number `n` (1-based). */
export function backoffMs(n: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  decide: (err: unknown) => RetryDecision,
  onRetry?: (info: { attempt: number; waitMs: number; error: unknown }) => void,
): Promise<T> {
  const sleep = policy.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const d = decide(err);
      if (!d.retry || attempt > policy.retries) throw err;
      const waitMs = Math.max(backoffMs(attempt, policy), Math.min(d.minWaitMs ?? 0, policy.maxMs));
      onRetry?.({ attempt, waitMs, error: err });
      await sleep(waitMs);
    }
  }
}
