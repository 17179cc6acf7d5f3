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

/* The shell from the phone at once, and from the network meanwhile for the next start. Asking
 * the network first would make every start wait for it, and a phone on a failing network (a
 * basement, a lift) waits for its timeout, seconds, before the kept copy. The shell holds no
 * personal data and no session state: the app asks the server for its key at every start, and an
 * ended session or a withheld key is answered there (a login link, or the wipe). A new version of
 * the app reaches the phone with a new worker (its script lists the assets' new names), which
 * keeps the new shell when it installs. */
function shell(event) {
  var fresh = fetch(event.request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      // Not into a store the app has just wiped (logging out deletes the cache).
      return caches.has(CACHE).then(function (has) {
        return has && caches.open(CACHE).then(function (cache) { return cache.put(SHELL, copy); });
      }).then(function () { return response; });
    }
    return response;
  });
  var kept = caches.match(SHELL);
  event.waitUntil(fresh.catch(function () {}));
  return kept.then(function (copy) {
    return copy || fresh.catch(function () { return Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(event));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (kept) {
      return kept || fetch(request);
    }));
  }
});
