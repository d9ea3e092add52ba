/**
 * Flags for the Chromium that drives the renderer in the e2e tests and the renderer benchmark: off
 * the closed network, and WebGL2 through SwiftShader where there is no GPU. As root it needs
 * --no-sandbox.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
