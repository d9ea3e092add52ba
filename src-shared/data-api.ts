/**
 * Market data in the FloorApi (docs/API.md, docs/DATA.md): the cached bar series, CSV import with
 * its validation report, and what historical mode can replay.
 */
export const dataApiSchemas = {} as const;
export type DataMethod = keyof typeof dataApiSchemas;
