// What the in-page benchmarks share: order statistics, markdown, the page's heap through the DevTools
// protocol, and a static file server on loopback for pages that are not the app.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

/** The value at quantile `q` (0–1) by the nearest-rank rule. */
export function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (xs) => quantile(xs, 0.5);
export const ms = (x) => `${x.toFixed(2)} ms`;
export const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

/** `--name N` from the command line, or `fallback`; refuses a value below `least`. */
export function numberArg(name, fallback, least) {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(value >= least)) throw new Error(`${name} must be at least ${least}`);
  return value;
}

export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** The page's JavaScript heap (V8's `usedSize`, in bytes) after a full collection. */
export async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves `files` (URL path → file) on a free loopback port; resolves to { url, close() }. */
export async function serveFiles(files) {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url, 'http://localhost').pathname;
    // The browser asks for an icon by itself; none is no error.
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = files[pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      // Cross-origin isolation: without it the page's clock is coarsened to 100 µs, too coarse for
      // runs of a few milliseconds; with it, 5 µs.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
