import pkg from '../../package.json';

/** The app's version, from package.json (bundled by Vite, read by tsx). */
export const APP_VERSION: string = pkg.version;
