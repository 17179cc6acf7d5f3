/* The grid worker's field app (docs/field.md, docs/decisions/0045-offline-field-app.md).
 *
 * The day's lists come from /api/field/day/ and are kept in this app's own IndexedDB store,
 * encrypted with AES-GCM under the device key the server hands out (/api/field/key/), never in
 * the browser's HTTP cache. What the worker records is queued, each record encrypted, with an id
 * made here (a UUID), and sent in one batch to /api/field/sync/, which replays it through the
 * domains' actions. The server may refuse the key (device revoked, account deactivated): the app
 * then wipes everything it keeps. The day's lists are wiped when their time is up, and logging out
 * wipes the store after offering to sync what is still queued.
 *
 * The words come translated from the page (data-strings); the script holds no text.
 */
(function () {
  "use strict";

  var root = document.getElementById("field");
  if (!root) return;
  var T = JSON.parse(root.dataset.strings);
  var URLS = JSON.parse(root.dataset.urls);
  var DB_NAME = "pingji-field";
  var db = null;
  var key = null; // the device's CryptoKey (not extractable)
  var meta = {}; // {device, user, key}
  var day = null; // the decrypted day
  var queue = []; // decrypted queued records, in the order they were made
  var conflicts = [];
  var csrf = "";
  var online = false;
  var seq = 0;

  // --- the store ---------------------------------------------------------------------------

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function openDb() {
    var r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = function () {
      var d = r.result;
      d.createObjectStore("meta");
      d.createObjectStore("vault");
      d.createObjectStore("queue", { keyPath: "id" });
    };
    return request(r);
  }

  function store(name, mode) {
    return db.transaction(name, mode || "readonly").objectStore(name);
  }

  function get(name, k) { return request(store(name).get(k)); }
  function put(name, value, k) {
    return request(k === undefined ? store(name, "readwrite").put(value) : store(name, "readwrite").put(value, k));
  }
  function del(name, k) { return request(store(name, "readwrite").delete(k)); }

  async function wipe() {
    key = null; day = null; queue = []; conflicts = []; meta = {};
    if (db) { db.close(); db = null; }
    await request(indexedDB.deleteDatabase(DB_NAME)).catch(function () {});
    if (window.caches) {
      var names = await caches.keys();
      await Promise.all(names.filter(function (n) { return n.indexOf("pingji-field") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }
  }

  // --- encryption --------------------------------------------------------------------------

  function fromBase64(text) {
    var bin = atob(text);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function importKey(text) {
    return crypto.subtle.importKey("raw", fromBase64(text), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  }

  async function seal(value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var data = new TextEncoder().encode(JSON.stringify(value));
    var ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, data);
    return { iv: iv, ct: ct };
  }

  async function unseal(box) {
    var pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
    return JSON.parse(new TextDecoder().decode(pt));
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

  // The store is opened first of all: it is the longest wait of an offline start.
  var opening = openDb();

  async function start() {
    db = await opening;
    performance.mark("field:store-open");
    meta = (await get("meta", "state")) || {};
    if (!meta.device) {
      meta.device = crypto.randomUUID();
      await put("meta", meta, "state");
    }
    key = meta.key || null;
    // What the phone keeps is drawn first; the server is asked meanwhile, and a refusal wipes it.
    if (key) {
      await load();
      performance.mark("field:day-decrypted");
      if (await expire()) return;
      render();
      ready();
    }
    var answer = await call(withDevice(URLS.key));
    performance.mark("field:key-asked");
    if (answer.wipe) return refused(answer);
    if (answer.ok) {
      online = true;
      csrf = answer.body.csrf;
      if (meta.user && meta.user !== answer.body.user) {
        await wipe();
        opening = openDb();
        return start();
      }
      var first = !key;
      key = await importKey(answer.body.key);
      meta.key = key;
      meta.user = answer.body.user;
      await put("meta", meta, "state");
      if (first) {
        await load();
        render();
      }
      await sync(true);
      await refresh();
    } else {
      if (!key) render();
      say(answer.login ? T.login_again : T.offline);
    }
    ready();
    registerWorker();
    setInterval(expire, 60000);
  }

  function ready() {
    if (root.dataset.state === "ready") return;
    root.dataset.state = "ready";
    window.fieldReadyAt = performance.now();
    performance.mark("field:ready");
  }

  async function load() {
    if (!key) return;
    try {
      var t = db.transaction(["vault", "queue"]);
      var kept = await Promise.all([
        request(t.objectStore("vault").get("day")),
        request(t.objectStore("queue").getAll()),
        request(t.objectStore("vault").get("conflicts")),
      ]);
      var opened = await Promise.all([
        kept[0] ? unseal(kept[0]) : null,
        Promise.all(kept[1].map(function (b) { return unseal(b.box); })),
        kept[2] ? unseal(kept[2]) : [],
      ]);
      day = opened[0];
      queue = opened[1];
      conflicts = opened[2];
      queue.sort(function (a, b) { return a.made_at < b.made_at ? -1 : a.made_at > b.made_at ? 1 : a.seq - b.seq; });
      seq = queue.reduce(function (m, r) { return Math.max(m, r.seq || 0); }, 0);
    } catch (e) {
      // A store this key cannot open (the server's key changed): it is nobody's any more.
      var device = meta.device;
      await wipe();
      db = await openDb();
      meta = { device: device, key: key };
      await put("meta", meta, "state");
      day = null; queue = []; conflicts = [];
    }
  }

  /* The day's lists are wiped when their time is up (the server's setting, from the day's
   * date); records still queued stay, encrypted, until they are synced. */
  async function expire() {
    if (!day || !day.expires_at || new Date(day.expires_at) > new Date()) return false;
    day = null;
    await del("vault", "day");
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
    if (!answer.ok) { say(answer.login ? T.login_again : T.offline); return; }
    if (!key) return; // logged out (wiped) while the day was asked for: keep nothing
    day = answer.body;
    await put("vault", await seal(day), "day");
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
    await put("queue", { id: item.id, box: await seal(item) });
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
      if (!asked.ok) { say(asked.login ? T.login_again : T.sync_failed); online = false; return false; }
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
      say(answer.login ? T.login_again : T.sync_failed);
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
      await del("queue", res.id);
    }
    var done = {};
    answer.body.results.forEach(function (r) { done[r.id] = true; });
    queue = queue.filter(function (r) { return !done[r.id]; });
    if (!key) return false;
    await put("vault", await seal(conflicts), "conflicts");
    say(T.synced.replace("{applied}", applied).replace("{conflicts}", looked));
    render();
    return true;
  }

  // --- drawing -----------------------------------------------------------------------------

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function say(text) {
    document.getElementById("status").textContent = text;
  }

  function showQueue() {
    var q = document.getElementById("queue");
    q.hidden = !queue.length;
    q.textContent = T.queue.replace("{n}", queue.length);
    document.getElementById("sync").disabled = !key;
  }

  function queuedSet(kinds, field) {
    var found = {};
    queue.forEach(function (r) { if (kinds.indexOf(r.kind) >= 0) found[r.data[field]] = true; });
    return found;
  }

  /* A grid has up to 2,000 people. The first screenful of each list is drawn at once, so the
   * lists open fast; the rest follows in the next tasks, a chunk at a time. A newer drawing
   * cancels what is left of an older one. */
  var FIRST = 40;
  var CHUNK = 400;
  var drawing = 0;

  function fillCards(element, cards, empty) {
    var generation = drawing;
    element.innerHTML = cards.length ? cards.slice(0, FIRST).join("") : empty;
    var at = FIRST;
    function more() {
      if (generation !== drawing) return;
      if (at >= cards.length) return finished();
      element.insertAdjacentHTML("beforeend", cards.slice(at, at + CHUNK).join(""));
      at += CHUNK;
      setTimeout(more, 0);
    }
    pending += 1;
    setTimeout(more, 0);
  }

  var pending = 0;

  function finished() {
    pending -= 1;
    if (pending === 0) window.fieldDrawnAt = performance.now();
  }

  function monitoringCard(p, queued) {
    var tags = "";
    if (p.overdue) tags += '<span class="late">' + esc(T.overdue) + "</span>";
    if (p.test_due) tags += '<span class="due">' + esc(T.test_due) + " " + esc(p.test_due.slice(5)) + "</span>";
    if (queued) tags += '<span class="queued">' + esc(T.queued) + "</span>";
    else if (p.self_reported) tags += '<span class="done">' + esc(T.self_reported) + "</span>";
    else if (p.checked) tags += '<span class="done">' + esc(T.checked) + "</span>";
    else tags += "<span>" + esc(T.todo) + "</span>";
    return '<li class="card' + (p.overdue ? " overdue" : "") + '" data-placement="' + p.placement + '">' +
      '<p class="who"><strong>' + esc(p.name) + "</strong><small>→ " + esc(p.end.slice(5)) + "</small></p>" +
      "<small>" + esc(p.address) + '</small><p class="tags">' + tags + "</p>" +
      (queued || p.checked ? "" : '<button type="button" class="tap" data-act="check">' + esc(T.check_in) + "</button>") +
      "</li>";
  }

  function taskCard(t, sent) {
    return '<li class="card' + (t.door ? " door" : "") + '" data-task="' + t.task + '" data-door="' + (t.door ? 1 : 0) + '">' +
      '<p class="who"><strong>' + esc(t.title) + "</strong><small>" + esc(T.due) + " " + esc(new Date(t.deadline).toLocaleDateString()) + "</small></p>" +
      (t.description ? "<small>" + esc(t.description) + "</small>" : "") +
      (sent ? '<p class="tags"><span class="queued">' + esc(T.queued) + "</span></p>"
        : '<button type="button" class="tap" data-act="work">' + esc(t.door ? T.door_visit : T.report_work) + "</button>") +
      "</li>";
  }

  function untestedCard(r, u, done) {
    return '<li class="card" data-person="' + u.person + '" data-round="' + r.round + '"><strong>' + esc(u.name) + "</strong> <small>" + esc(u.address) + " " + esc(u.phone) + "</small>" +
      (done ? '<p class="tags"><span class="queued">' + esc(T.queued) + "</span></p>"
        : '<p class="row">' + day.reminder_outcomes.map(function (o) {
          return '<button type="button" class="secondary" data-act="remind" data-outcome="' + esc(o[0]) + '">' + esc(o[1]) + "</button>";
        }).join("") + "</p>") + "</li>";
  }

  function render() {
    kept();
    drawing += 1;
    pending = 0;
    showQueue();
    var checks = queuedSet(["check"], "placement");
    var work = queuedSet(["door", "evidence"], "task");
    var list = day ? day.monitoring : [];
    fillCards(document.getElementById("monitoring"), list.map(function (p) {
      return monitoringCard(p, checks[p.placement]);
    }), day ? "<li>" + esc(T.nobody_monitored) + "</li>" : "");
    count("monitoring", list.length);

    var tasks = day ? day.tasks : [];
    fillCards(document.getElementById("tasks"), tasks.map(function (t) {
      return taskCard(t, work[t.task]);
    }), day ? "<li>" + esc(T.no_tasks) + "</li>" : "");
    count("tasks", tasks.length);

    var rounds = day ? day.untested : [];
    var box = document.getElementById("untested");
    box.innerHTML = "";
    var people = 0;
    rounds.forEach(function (r) {
      var reminded = {};
      queue.forEach(function (q) { if (q.kind === "reminder" && q.data.round === r.round) reminded[q.data.person] = true; });
      var heading = document.createElement("h3");
      heading.textContent = r.label;
      var ul = document.createElement("ul");
      ul.className = "cards";
      box.appendChild(heading);
      box.appendChild(ul);
      fillCards(ul, r.people.map(function (u) { return untestedCard(r, u, reminded[u.person]); }), "");
      people += r.people.length;
    });
    if (day && !people) box.innerHTML = "<p>" + esc(T.nobody_untested) + "</p>";
    count("untested", people);

    var looked = document.getElementById("conflicts");
    looked.hidden = !conflicts.length;
    looked.querySelector("ul").innerHTML = conflicts.map(function (c) {
      return '<li class="' + esc(c.outcome) + '" data-id="' + esc(c.id) + '"><strong>' + esc(c.label) + "</strong>: " + esc(c.message) + "</li>";
    }).join("");
    if (!day && !queue.length && root.dataset.state !== "wiped") say(T.no_data);
  }

  function count(id, n) {
    document.querySelector("#" + id + "-panel .count").textContent = day ? n : "";
  }

  // --- forms, one at a time ----------------------------------------------------------------

  function closeForms() {
    Array.prototype.forEach.call(root.querySelectorAll("form.inline-form"), function (f) { f.remove(); });
  }

  function checkForm(card) {
    closeForms();
    var symptoms = (day.symptoms || []).map(function (s) {
      return '<label class="sym"><input type="checkbox" name="symptoms" value="' + esc(s[0]) + '"> ' + esc(s[1]) + "</label>";
    }).join("");
    var form = document.createElement("form");
    form.className = "inline-form";
    form.dataset.kind = "check";
    form.innerHTML = "<label>" + esc(T.temperature) + ' <input type="number" name="temperature" value="36.5" step="0.1" min="34" max="42.5" required></label>' +
      '<div class="syms">' + symptoms + "</div>" +
      "<label>" + esc(T.note) + ' <input type="text" name="note" maxlength="300"></label>' +
      '<button class="tap">' + esc(T.record) + '</button> <button type="button" class="secondary" data-act="close">' + esc(T.cancel) + "</button>";
    card.appendChild(form);
    form.querySelector("input[name=temperature]").focus();
  }

  function workForm(card) {
    closeForms();
    var door = card.dataset.door === "1";
    var form = document.createElement("form");
    form.className = "inline-form";
    form.dataset.kind = door ? "door" : "evidence";
    var outcomes = door ? '<div class="row">' + day.door_outcomes.map(function (o, i) {
      return '<label><input type="radio" name="outcome" value="' + esc(o[0]) + '"' + (i === 0 ? " checked" : "") + "> " + esc(o[1]) + "</label>";
    }).join(" ") + "</div>" : "";
    form.innerHTML = outcomes + "<label>" + esc(T.what_done) + ' <textarea name="text" rows="2" maxlength="2000"' + (door ? "" : " required") + "></textarea></label>" +
      '<button class="tap">' + esc(T.submit) + '</button> <button type="button" class="secondary" data-act="close">' + esc(T.cancel) + "</button>";
    card.appendChild(form);
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) return;
    var card = button.closest("li.card");
    var act = button.dataset.act;
    if (act === "close") { closeForms(); return; }
    if (act === "check") checkForm(card);
    else if (act === "work") workForm(card);
    else if (act === "remind") {
      var name = card.querySelector("strong").textContent;
      record("reminder", { person: Number(card.dataset.person), round: Number(card.dataset.round), outcome: button.dataset.outcome }, name);
    }
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form.inline-form");
    if (!form) return;
    event.preventDefault();
    var card = form.closest("li.card");
    var label = card.querySelector("strong").textContent;
    if (form.dataset.kind === "check") {
      var t = parseFloat(form.temperature.value);
      if (!(t >= 34 && t <= 42.5)) { form.temperature.setCustomValidity(T.bad_temperature); form.reportValidity(); return; }
      var symptoms = Array.prototype.map.call(form.querySelectorAll("input[name=symptoms]:checked"), function (i) { return i.value; });
      record("check", { placement: Number(card.dataset.placement), temperature: form.temperature.value, symptoms: symptoms, note: form.note.value }, label);
    } else {
      var text = form.text.value.trim();
      var data = { task: Number(card.dataset.task), text: text };
      if (form.dataset.kind === "door") data.outcome = form.querySelector("input[name=outcome]:checked").value;
      else if (!text) { form.text.setCustomValidity(T.write_something); form.reportValidity(); return; }
      record(form.dataset.kind, data, label);
    }
    closeForms();
  });

  document.getElementById("sync").addEventListener("click", async function () {
    var answer = await call(withDevice(URLS.key));
    if (answer.wipe) return refused(answer);
    if (answer.ok) { csrf = answer.body.csrf; online = true; }
    if (await sync(false)) await refresh();
  });

  document.getElementById("conflicts-clear").addEventListener("click", async function () {
    conflicts = [];
    await put("vault", await seal(conflicts), "conflicts");
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
})();
