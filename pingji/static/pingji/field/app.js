/* The grid worker's field app (docs/field.md, docs/decisions/0045-offline-field-app.md).
 *
 * The day's lists come from /api/field/day/ and are kept in this app's own IndexedDB store,
 * encrypted with AES-GCM under the device key the server hands out (/api/field/key/), never in
 * the browser's HTTP cache (store.js). What the worker records is queued, each record encrypted,
 * with an id made here (a UUID), and sent in one batch to /api/field/sync/, which replays it
 * through the domains' actions. The server may refuse the key (device revoked, account
 * deactivated): the app then wipes everything it keeps. The day's lists are wiped when their time
 * is up, and logging out wipes the store after offering to sync what is still queued.
 *
 * An offline start is made for speed on a slow phone: the store is opened while the page starts,
 * read in one transaction, the day decrypted and parsed in one piece, and the lists drawn as
 * virtual lists (lists.js, vlist.js): every row there, only those near the screen in the page.
 *
 * The words come translated from the page (data-strings); the scripts hold no text.
 */
(function (Field) {
  "use strict";

  var root = document.getElementById("field");
  if (!root) return;
  var T = JSON.parse(root.dataset.strings);
  var URLS = JSON.parse(root.dataset.urls);
  var store = Field.store;
  var esc = Field.cards.esc;
  var key = null; // the device's CryptoKey (not extractable)
  var meta = {}; // {device, user, key}
  var day = null; // the decrypted day
  var queue = []; // decrypted queued records, in the order they were made
  var conflicts = [];
  var csrf = "";
  var online = false;
  var seq = 0;
  var lists = Field.makeLists(root, T, record);

  function seal(value) { return store.seal(key, value); }
  function unseal(box) { return store.unseal(key, box); }

  async function wipe() {
    key = null; day = null; queue = []; conflicts = []; meta = {};
    await store.wipe();
  }

  // --- the server --------------------------------------------------------------------------

  async function call(url, options) {
    var response;
    try {
      response = await fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {}));
    } catch (e) {
      return { offline: true };
    }
    var body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (response.status === 403 && body.wipe) return { wipe: true, detail: body.detail };
    if (response.status === 401 || response.redirected) return { login: true };
    if (!response.ok) return { failed: true, status: response.status, body: body };
    return { ok: true, body: body };
  }

  function withDevice(url) {
    return url + "?device=" + encodeURIComponent(meta.device);
  }

  async function refused(answer) {
    await wipe();
    render();
    say((answer.detail || T.wiped));
    root.dataset.state = "wiped";
  }

  // --- start -------------------------------------------------------------------------------

  function registerWorker() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(URLS.sw, { scope: URLS.scope }).catch(function () {});
    }
  }

  /* The store was opened when store.js ran; what the phone keeps is read in one transaction
   * and drawn first, and the server is asked meanwhile: a refusal wipes it. */
  async function start() {
    await store.ready();
    performance.mark("field:store-open");
    var kept = await store.readAll();
    meta = kept.meta;
    if (!meta.device) {
      meta.device = crypto.randomUUID();
      await store.put("meta", meta, "state");
    }
    key = meta.key || null;
    if (key) {
      await load(kept);
      performance.mark("field:day-decrypted");
      if (await expire()) return;
      render();
      ready();
    }
    var answer = await call(withDevice(URLS.key));
    performance.mark("field:key-asked");
    if (answer.wipe) return refused(answer);
    if (answer.ok) {
      if (!(await started(answer, !key))) return;
    } else {
      if (!key) render();
      if (answer.login) askLogin(); else say(T.offline);
    }
    ready();
    registerWorker();
    setInterval(expire, 60000);
  }

  /* The server answered the key: keep it, sync what waits, take the day anew. False when the
   * phone held another account's store: it is wiped and the app starts again. */
  async function started(answer, first) {
    online = true;
    csrf = answer.body.csrf;
    if (meta.user && meta.user !== answer.body.user) {
      await wipe();
      store.reopen();
      await start();
      return false;
    }
    key = await store.importKey(answer.body.key);
    meta.key = key;
    meta.user = answer.body.user;
    await store.put("meta", meta, "state");
    if (first) {
      await load(await store.readAll());
      render();
    }
    await sync(true);
    await refresh();
    return true;
  }

  /* Ready: the lists are drawn (fieldDrawnAt, set by render) and the app answers taps;
   * fieldPaintedAt once the frame that shows them is painted. */
  function ready() {
    if (root.dataset.state === "ready") return;
    root.dataset.state = "ready";
    window.fieldReadyAt = performance.now();
    performance.mark("field:ready");
    requestAnimationFrame(function () {
      setTimeout(function () { window.fieldPaintedAt = performance.now(); }, 0);
    });
  }

  async function load(kept) {
    if (!key) return;
    try {
      var opened = await Promise.all([
        kept.day ? unseal(kept.day) : null,
        Promise.all(kept.queue.map(function (b) { return unseal(b.box); })),
        kept.conflicts ? unseal(kept.conflicts) : [],
      ]);
      day = opened[0];
      queue = opened[1];
      conflicts = opened[2];
      queue.sort(function (a, b) { return a.made_at < b.made_at ? -1 : a.made_at > b.made_at ? 1 : a.seq - b.seq; });
      seq = queue.reduce(function (m, r) { return Math.max(m, r.seq || 0); }, 0);
    } catch (e) {
      // A store this key cannot open (the server's key changed): it is nobody's any more.
      var device = meta.device;
      var k = key;
      await wipe();
      await store.reopen();
      key = k;
      meta = { device: device, key: key };
      await store.put("meta", meta, "state");
    }
  }

  /* The day's lists are wiped when their time is up (the server's setting, from the day's
   * date); records still queued stay, encrypted, until they are synced. */
  async function expire() {
    if (!day || !day.expires_at || new Date(day.expires_at) > new Date()) return false;
    day = null;
    await store.del("vault", "day");
    if (!queue.length) {
      await wipe();
      render();
      say(T.expired);
      root.dataset.state = "wiped";
      return true;
    }
    render();
    say(T.expired);
    return false;
  }

  async function refresh() {
    var answer = await call(withDevice(URLS.day));
    if (answer.wipe) return refused(answer);
    if (!answer.ok) { if (answer.login) askLogin(); else say(T.offline); return; }
    if (!key) return; // logged out (wiped) while the day was asked for: keep nothing
    day = answer.body;
    await store.put("vault", await seal(day), "day");
    render();
    kept();
  }

  function kept() {
    document.getElementById("kept").textContent = day
      ? T.saved.replace("{day}", day.day).replace("{at}", new Date(day.expires_at).toLocaleString())
      : "";
  }

  // --- recording ---------------------------------------------------------------------------

  async function record(kind, data, label) {
    seq += 1;
    var item = { id: crypto.randomUUID(), kind: kind, made_at: new Date().toISOString(), seq: seq, data: data, label: label };
    await store.put("queue", { id: item.id, box: await seal(item) });
    queue.push(item);
    render();
    if (online) sync(false);
  }

  var syncing = null;

  function sync(quiet) {
    if (!syncing) syncing = doSync(quiet).finally(function () { syncing = null; });
    return syncing;
  }

  async function doSync(quiet) {
    if (!key || !queue.length) { showQueue(); return true; }
    if (!quiet) say(T.syncing);
    if (!csrf) {
      var asked = await call(withDevice(URLS.key));
      if (asked.wipe) { await refused(asked); return false; }
      if (!asked.ok) { if (asked.login) askLogin(); else say(T.sync_failed); online = false; return false; }
      csrf = asked.body.csrf;
    }
    var batch = queue.slice();
    var answer = await call(URLS.sync, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        device: meta.device,
        records: batch.map(function (r) { return { id: r.id, kind: r.kind, made_at: r.made_at, seq: r.seq, data: r.data }; }),
      }),
    });
    if (answer.wipe) { await refused(answer); return false; }
    if (!answer.ok) {
      online = !answer.offline;
      if (answer.failed && answer.status === 403) csrf = "";
      if (answer.login) askLogin(); else say(T.sync_failed);
      showQueue();
      return false;
    }
    online = true;
    var byId = {};
    batch.forEach(function (r) { byId[r.id] = r; });
    var applied = 0, looked = 0;
    for (var i = 0; i < answer.body.results.length; i++) {
      var res = answer.body.results[i];
      var item = byId[res.id];
      if (!item) continue;
      if (!key) return false; // logged out (wiped) meanwhile: the store is gone
      if (res.outcome === "applied") applied += 1;
      else { looked += 1; conflicts.push({ id: res.id, label: item.label, outcome: res.outcome, message: res.message }); }
      await store.del("queue", res.id);
    }
    var done = {};
    answer.body.results.forEach(function (r) { done[r.id] = true; });
    queue = queue.filter(function (r) { return !done[r.id]; });
    if (!key) return false;
    await store.put("vault", await seal(conflicts), "conflicts");
    say(T.synced.replace("{applied}", applied).replace("{conflicts}", looked));
    render();
    return true;
  }

  // --- drawing -----------------------------------------------------------------------------

  function say(text) {
    document.getElementById("status").textContent = text;
  }

  /* The session ended: the records stay, and the worker is offered the login page. */
  function askLogin() {
    var status = document.getElementById("status");
    status.textContent = T.login_again + " ";
    var link = document.createElement("a");
    link.href = URLS.login;
    link.textContent = T.log_in;
    status.appendChild(link);
  }

  function showQueue() {
    var q = document.getElementById("queue");
    q.hidden = !queue.length;
    q.textContent = T.queue.replace("{n}", queue.length);
    document.getElementById("sync").disabled = !key;
  }

  function render() {
    kept();
    showQueue();
    lists.draw(day, queue, conflicts);
    if (day && !window.fieldDrawnAt) window.fieldDrawnAt = performance.now();
    if (!day && !queue.length && root.dataset.state !== "wiped") say(T.no_data);
  }

  lists.finder.addEventListener("input", function () {
    lists.closeForms();
    render();
  });

  document.getElementById("sync").addEventListener("click", async function () {
    var answer = await call(withDevice(URLS.key));
    if (answer.wipe) return refused(answer);
    if (answer.ok) { csrf = answer.body.csrf; online = true; }
    if (await sync(false)) await refresh();
  });

  document.getElementById("conflicts-clear").addEventListener("click", async function () {
    conflicts = [];
    await store.put("vault", await seal(conflicts), "conflicts");
    render();
  });

  // --- logging out -------------------------------------------------------------------------

  var ask = document.getElementById("logout-ask");

  document.getElementById("logout").addEventListener("click", function () {
    if (queue.length) {
      ask.querySelector("p").textContent = T.logout_ask.replace("{n}", queue.length);
      ask.hidden = false;
      return;
    }
    logout();
  });
  document.getElementById("logout-cancel").addEventListener("click", function () { ask.hidden = true; });
  document.getElementById("logout-discard").addEventListener("click", function () { logout(); });
  document.getElementById("logout-sync").addEventListener("click", async function () {
    var asked = await call(withDevice(URLS.key));
    if (asked.ok) csrf = asked.body.csrf;
    await sync(false);
    if (queue.length) { ask.querySelector("p").textContent = T.logout_ask.replace("{n}", queue.length); return; }
    logout();
  });

  async function logout() {
    ask.hidden = true;
    var token = csrf;
    if (!token) {
      var asked = await call(withDevice(URLS.key));
      if (asked.ok) token = asked.body.csrf;
    }
    await wipe();
    if ("serviceWorker" in navigator) {
      var regs = await navigator.serviceWorker.getRegistrations();
      await Promise.all(regs.map(function (r) { return r.unregister(); }));
    }
    root.dataset.state = "logged-out";
    render();
    say(T.logged_out);
    if (!token) return;
    var form = document.createElement("form");
    form.method = "post";
    form.action = URLS.logout;
    form.innerHTML = '<input type="hidden" name="csrfmiddlewaretoken" value="' + esc(token) + '">';
    document.body.appendChild(form);
    form.submit();
  }

  start().catch(function (e) {
    say(String(e));
    root.dataset.state = "error";
  });
})(window.PingjiField = window.PingjiField || {});
