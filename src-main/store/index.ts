export { openLibrary, Library, LibraryError, MIGRATIONS, SCHEMA_VERSION, BULLPEN_APPLICATION_ID, SessionRunStatus } from './library';
export type { LibraryOptions, SessionRecord, LibraryErrorCode } from './library';
export { dataDir, libraryPath, APP_FOLDER, LIBRARY_FILE } from './paths';
