/**
 * Tournaments in the FloorApi (docs/API.md, docs/DATA.md): start one, follow its progress (pushed),
 * read and export its leaderboard.
 */
export const tournamentApiSchemas = {} as const;
export type TournamentMethod = keyof typeof tournamentApiSchemas;
