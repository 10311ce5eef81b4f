// The app's service worker (an ES module, scope /). It does two things and nothing else:
//
// 1. It runs the training world (crates/onshi-training, built by wasm-bindgen for `--target web`):
//    every request under /training/onshi/v1/ on this origin is answered by the world's `handle`, and
//    the page's virtual card reader messages ({onshi: "reader", ...}) by its `reader_message`.
// 2. It keeps the app shell of this build in a cache named after the build, so the app still starts
//    when the server cannot be reached: the shell's files are fetched from the network first and
//    taken from the cache only when the network fails.
//
// Every other request is left alone (no respondWith): an endpoint's answers, /onshi/v1/ above all,
// are never intercepted or cached, so a real endpoint sees exactly what the page sent.

import init, { handle, reader_message } from '/onshi_training.js';

// scripts/build replaces the placeholder with a hash of the built files, so each build has its own
// cache and a changed build is a changed worker.
const BUILD_ID = '__ONSHI_BUILD_ID__';
const CACHE_PREFIX = 'onshi-shell-';
const CACHE = `${CACHE_PREFIX}${BUILD_ID}`;

// The app shell: the page (every navigation gets it), the app's module and wasm, its loader, style and
// icon, and the training world itself. sw.js is not in it: the browser fetches it on its own terms.
const PAGE = '/index.html';
const SHELL = [
  PAGE,
  '/onshi.js',
  '/onshi_bg.wasm',
  '/loader.js',
  '/main.css',
  '/favicon.svg',
  '/onshi_training.js',
  '/onshi_training_bg.wasm',
];
const SHELL_PATHS = new Set(SHELL);

const TRAINING = '/training/onshi/v1';

// The world's wasm, network first like the rest of the shell, so training works offline too. The
// module cannot wait at its top level (service workers forbid top-level await), so every use waits
// for this promise.
const ready = init({ module_or_path: networkFirst(new Request('/onshi_training_bg.wasm'), '/onshi_training_bg.wasm') });

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // no-cache: the files of this build, revalidated, never an older copy from the HTTP cache.
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === TRAINING || url.pathname.startsWith(`${TRAINING}/`)) {
    event.respondWith(ready.then(() => handle(request)));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    // An endpoint's address opened in a tab is the endpoint's to answer.
    if (url.pathname === '/onshi' || url.pathname.startsWith('/onshi/')) return;
    if (url.pathname === '/training' || url.pathname.startsWith('/training/')) return;
    event.respondWith(networkFirst(request, PAGE));
    return;
  }
  if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});

self.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || message.onshi !== 'reader') return;
  const source = event.source;
  event.waitUntil(
    ready
      .then(() => reader_message(message))
      .catch(() => ({ onshi: 'reader', call: message.call, ok: false, error: 'unavailable' }))
      .then((reply) => {
        if (source) source.postMessage(reply);
      }),
  );
});

// The network's answer; the cached copy of `key` when the network fails (or answers 5xx); a network
// error when neither is there.
async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    if (response.status < 500) return response;
    const cached = await caches.match(key, { cacheName: CACHE });
    return cached ?? response;
  } catch (error) {
    const cached = await caches.match(key, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}
