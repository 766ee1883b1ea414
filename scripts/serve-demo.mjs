// `npm run demo`: a static server for demo/ and the browser bundle in dist/, on localhost only.
// Pages are served cross-origin isolated (COOP + COEP) so SharedArrayBuffer, and with it
// `threads: 2`, work in the browser; --no-isolation leaves the headers off (the tests use it
// to check the error a page without isolation gets). --port 0 picks a free port.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The only folders served: nothing else in the checkout is reachable. */
const SERVED = ['demo', 'dist'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve-demo: --port: expected a whole number from 0 to 65535, got ${args[portArg + 1] ?? process.env.PORT}`);
  process.exit(2);
}
const isolated = !args.includes('--no-isolation');

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/' || url.pathname === '/demo') {
    res.writeHead(302, { location: '/demo/' });
    res.end();
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204);
    res.end();
    return;
  }
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  const top = file.slice(root.length).split(sep)[0];
  const headers = { 'cache-control': 'no-store' };
  if (isolated) {
    headers['cross-origin-opener-policy'] = 'same-origin';
    headers['cross-origin-embedder-policy'] = 'require-corp';
  }
  try {
    if (!file.startsWith(root) || !SERVED.includes(top) || !(await stat(file)).isFile()) throw new Error('not served');
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end(`not found: ${path}\n`);
  }
});

server.on('error', (e) => {
  console.error(`serve-demo: cannot listen on port ${port}: ${e.message} (--port N or PORT=N picks another)`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  console.log(`serve-demo: http://localhost:${actual}/demo/ (${isolated ? 'cross-origin isolated' : 'not isolated'}; Ctrl-C stops)`);
});
