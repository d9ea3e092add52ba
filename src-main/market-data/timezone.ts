/**
 * Wall-clock times in an IANA time zone to UTC and back, with the platform's Intl data (no library).
 * A time that a daylight-saving change skips resolves to the offset in force just before it, as
 * most tools do; an ambiguous one (the repeated hour) to its first occurrence.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws a readable error unless `tz` is an IANA zone name (or UTC) this platform knows. */
export function checkTimeZone(tz: string): string {
  if (tz === 'UTC' || tz === 'Z') return 'UTC';
  try {
    formatter(tz);
  } catch {
    throw new Error(`"${tz}" is not a time zone this platform knows (use an IANA name such as UTC, Europe/London or America/New_York).`);
  }
  return tz;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallParts(utcMs: number, tz: string): WallParts {
  const out: WallParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatter(tz).formatToParts(utcMs)) {
    if (p.type === 'weekday') out.weekday = WEEKDAYS[p.value] ?? 0;
    else if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') {
      out[p.type] = Number(p.value);
    }
  }
  return out;
}

/** The zone's offset from UTC (ms, east positive) at instant `utcMs`. */
export function zoneOffsetMs(utcMs: number, tz: string): number {
  if (tz === 'UTC') return 0;
  const whole = Math.floor(utcMs / 1000) * 1000;
  const p = wallParts(whole, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/** The UTC instant of a wall-clock time in `tz` (month 1–12). */
export function wallTimeToUtc(tz: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (tz === 'UTC') return asUtc;
  const before = zoneOffsetMs(asUtc - 86_400_000, tz);
  const after = zoneOffsetMs(asUtc + 86_400_000, tz);
  // try the offset in force before a change first (first occurrence of a repeated hour)
  for (const off of [before, after]) {
    const t = asUtc - off;
    if (zoneOffsetMs(t, tz) === off) return t;
  }
  return asUtc - before; // a skipped time: keep the earlier offset
}

/** Day of the week (0 = Sunday) of instant `utcMs` in `tz`. */
export function weekdayIn(utcMs: number, tz: string): number {
  if (tz === 'UTC') return new Date(utcMs).getUTCDay();
  return wallParts(utcMs, tz).weekday;
}
