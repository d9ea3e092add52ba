import { engineFigures } from './engine';
import type { NamedProvider } from './harness';
import { hostFigures } from './host';
import { rlFigures } from './rl';

/** Every figure provider, in the order the harness runs them (`bullpen bench --only engine,host,rl`). */
export async function allProviders(only?: readonly string[]): Promise<NamedProvider[]> {
  const list: NamedProvider[] = [
    { name: 'engine', run: (o) => engineFigures(o) },
    { name: 'host', run: (o) => hostFigures(o) },
    { name: 'rl', run: (o) => rlFigures(o) },
  ];
  return only && only.length > 0 ? list.filter((p) => only.includes(p.name)) : list;
}
