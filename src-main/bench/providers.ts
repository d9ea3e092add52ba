import { dataFigures } from './data';
import { engineFigures } from './engine';
import type { NamedProvider } from './harness';
import { hostFigures } from './host';
import { rendererFigures } from './renderer';
import { rlFigures } from './rl';
import { storeFigures } from './store';
import { tournamentFigures } from './tournament';

/** Every figure provider, in the order the harness runs them (`bullpen bench --only engine,host,rl`). */
export async function allProviders(only?: readonly string[]): Promise<NamedProvider[]> {
  const list: NamedProvider[] = [
    { name: 'engine', run: (o) => engineFigures(o) },
    { name: 'host', run: (o) => hostFigures(o) },
    { name: 'rl', run: (o) => rlFigures(o) },
    { name: 'renderer', run: (o) => rendererFigures(o) },
    { name: 'store', run: (o) => storeFigures(o) },
    { name: 'data', run: (o) => dataFigures(o) },
    { name: 'tournament', run: (o) => tournamentFigures(o) },
  ];
  return only && only.length > 0 ? list.filter((p) => only.includes(p.name)) : list;
}
