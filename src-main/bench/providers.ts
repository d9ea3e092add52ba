import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FigureProvider } from './figures';
import type { NamedProvider } from './harness';
import { hostFigures } from './host';

/**
 * The engine's figures come from ./engine.ts (the engine's own module). It is loaded when present,
 * so the harness works before and after it lands.
 */
async function engineProvider(): Promise<FigureProvider | null> {
  const url = new URL('./engine.ts', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const mod: unknown = await import(url.href);
  const fn = typeof mod === 'object' && mod !== null ? (mod as { engineFigures?: unknown }).engineFigures : undefined;
  if (typeof fn !== 'function') throw new Error('src-main/bench/engine.ts does not export engineFigures()');
  return fn as FigureProvider;
}

export async function allProviders(only?: readonly string[]): Promise<NamedProvider[]> {
  const list: NamedProvider[] = [];
  const engine = await engineProvider();
  if (engine) list.push({ name: 'engine', run: engine });
  list.push({ name: 'host', run: (o) => hostFigures(o) });
  return only && only.length > 0 ? list.filter((p) => only.includes(p.name)) : list;
}
