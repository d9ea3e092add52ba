import type { Speed } from '../src-shared/config';

export function fmtPrice(v: number, decimals: number): string {
  return Number.isFinite(v) ? v.toFixed(decimals) : '—';
}

export function fmtPct(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = v.toFixed(2);
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${s === '-0.00' ? '0.00' : s}%`;
}

export function fmtSpeed(s: Speed | undefined | null): string {
  if (s === undefined || s === null) return '—';
  return s === 'max' ? 'max' : `${s}×`;
}

export function fmtInt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

export function fmtRate(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 10 ? 0 : 1);
}

export function fmtMoney(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const sign = v < 0 ? '−' : v > 0 ? '+' : '';
  if (a >= 1e6) return `${sign}${(a / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${sign}${(a / 1e3).toFixed(1)}k`;
  return `${sign}${a.toFixed(2)}`;
}

export function decimalsFor(tickSize: number): number {
  if (!(tickSize > 0)) return 2;
  return Math.min(6, Math.max(0, Math.ceil(-Math.log10(tickSize) - 1e-9)));
}
