/* The field app's own store (docs/field.md): IndexedDB "pingji-field", every personal value
 * sealed with AES-GCM under the device's non-extractable CryptoKey, which is kept beside it (a
 * CryptoKey is stored by reference: its bytes cannot be read back out of the browser).
 *
 * The database is opened as soon as this script runs, before the page has finished starting:
 * opening it is the longest wait of an offline start, so it overlaps the rest. Everything an
 * offline start needs (the device, the key, the day, the queue, the conflicts) is then read in
 * one transaction, and the day is one sealed value: one get, one decrypt, one JSON.parse.
 */
(function (Field) {
  "use strict";

  var NAME = "pingji-field";

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function open() {
    var r = indexedDB.open(NAME, 1);
    r.onupgradeneeded = function () {
      var d = r.result;
      d.createObjectStore("meta");
      d.createObjectStore("vault");
      d.createObjectStore("queue", { keyPath: "id" });
    };
    return request(r);
  }

  var store = {
    db: null,
    opening: open(),
    request: request,

    reopen: function () {
      store.opening = open();
      return store.ready();
    },

    ready: async function () {
      store.db = await store.opening;
      return store.db;
    },

    /* What an offline start reads, in one transaction: {meta, day, queue, conflicts}, the last
     * three still sealed. */
    readAll: async function () {
      var t = store.db.transaction(["meta", "vault", "queue"]);
      var kept = await Promise.all([
        request(t.objectStore("meta").get("state")),
        request(t.objectStore("vault").get("day")),
        request(t.objectStore("queue").getAll()),
        request(t.objectStore("vault").get("conflicts")),
      ]);
      return { meta: kept[0] || {}, day: kept[1], queue: kept[2], conflicts: kept[3] };
    },

    get: function (name, k) {
      return request(store.db.transaction(name).objectStore(name).get(k));
    },

    put: function (name, value, k) {
      var s = store.db.transaction(name, "readwrite").objectStore(name);
      return request(k === undefined ? s.put(value) : s.put(value, k));
    },

    del: function (name, k) {
      return request(store.db.transaction(name, "readwrite").objectStore(name).delete(k));
    },

    /* The database and the service worker's kept files, gone. */
    wipe: async function () {
      if (store.db) { store.db.close(); store.db = null; }
      await request(indexedDB.deleteDatabase(NAME)).catch(function () {});
      if (window.caches) {
        var names = await caches.keys();
        await Promise.all(names.filter(function (n) { return n.indexOf("pingji-field") === 0; })
          .map(function (n) { return caches.delete(n); }));
      }
    },
  };

  // --- encryption --------------------------------------------------------------------------

  function fromBase64(text) {
    var bin = atob(text);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  store.importKey = function (text) {
    return crypto.subtle.importKey("raw", fromBase64(text), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  };

  store.seal = async function (key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var data = new TextEncoder().encode(JSON.stringify(value));
    var ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data);
    return { iv: iv, ct: ct };
  };

  store.unseal = async function (key, box) {
    var pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
    return JSON.parse(new TextDecoder().decode(pt));
  };

  Field.store = store;
})(window.PingjiField = window.PingjiField || {});
