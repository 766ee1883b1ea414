// What differs between Node and browsers, in one place. Node's built-ins are imported only on
// Node's own paths and through a variable, so no bundler pulls them into a page.

/** Whether this is Node (worker_threads, fs and os are there). */
export function isNode(): boolean {
  return typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
}

/**
 * A Node built-in, imported when called: bundlers (esbuild, Vite, webpack) leave an import of a
 * variable alone, and the comments say so to the ones that would warn about it.
 */
export const nodeBuiltin = (name: string): Promise<unknown> => import(/* webpackIgnore: true */ /* @vite-ignore */ name);

/**
 * A file beside a module, for Node's paths. Bundlers take `new URL('…', import.meta.url)` for a
 * file of the page to emit (or report missing), so Node-only files are found from the module's
 * URL passed in here instead.
 */
export function fileBeside(path: string, moduleUrl: string): URL {
  return new URL(path, moduleUrl);
}
