// msklint's service worker: keeps the page's own files in the browser's
// Cache Storage, so the page opens and checks files with no network at
// all once it has been loaded. It stores only the page's files, never a
// file a person checks, and it sends nothing anywhere.
//
// scripts/build-web.sh writes a digest of the built files into VERSION,
// so a new build has a new worker with a fresh cache; the old cache is
// deleted once the new worker takes over.

const VERSION = "@VERSION@";
const CACHE = `msklint-${VERSION}`;
const FILES = ["./", "app.js", "style.css", "msklint_web.js", "msklint_web_bg.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("msklint-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The cached copy first; the network only for what is not cached. The
// page opened as its folder or as index.html (with a share link after the
// #, which is never part of a request) is the cached page.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const path = new URL(request.url).pathname;
  const folder = new URL(self.registration.scope).pathname;
  const page = path === folder || path === `${folder}index.html`;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(page ? "./" : request, { ignoreSearch: true });
    return hit ?? fetch(request);
  })());
});
