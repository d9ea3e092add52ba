// Module hooks for driver.mjs: `import … from 'electron'` resolves to the recording stub.
const STUB = new URL('./electron.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: STUB, shortCircuit: true };
  return nextResolve(specifier, context);
}
