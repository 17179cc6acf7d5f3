/* The field app's service worker, served at /field/sw.js (its scope is the app).
 *
 * It keeps the app's shell and files so the app opens without a network: the shell carries no
 * personal data (the day lives in the app's own encrypted store), and the API is never cached
 * here: its answers go to the network only. ASSETS and SHELL are written in front of this
 * script by the server (pingji/field/views.py). */
var CACHE = "pingji-field-v1";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS.concat([SHELL]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("pingji-field") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function shell(request) {
  // The network first, so an online phone always gets the current app; the kept copy otherwise.
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(SHELL).then(function (kept) { return kept || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(request));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (kept) {
      return kept || fetch(request);
    }));
  }
});
