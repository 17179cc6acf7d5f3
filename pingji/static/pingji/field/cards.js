/* The field app's cards: one escaped string of markup per row, drawn by the virtual list
 * (vlist.js). The words are the page's (Field.T, from data-strings); every value from the day
 * is escaped. */
(function (Field) {
  "use strict";

  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  function queuedTag(T) {
    return '<p class="tags"><span class="queued">' + esc(T.queued) + "</span></p>";
  }

  /* A person at home under monitoring; ``queued`` when a check of theirs waits to sync. */
  function monitoring(T, p, queued) {
    var tags = "";
    if (p.overdue) tags += '<span class="late">' + esc(T.overdue) + "</span>";
    if (p.test_due) tags += '<span class="due">' + esc(T.test_due) + " " + esc(p.test_due.slice(5)) + "</span>";
    if (queued) tags += '<span class="queued">' + esc(T.queued) + "</span>";
    else if (p.self_reported) tags += '<span class="done">' + esc(T.self_reported) + "</span>";
    else if (p.checked) tags += '<span class="done">' + esc(T.checked) + "</span>";
    else tags += "<span>" + esc(T.todo) + "</span>";
    return '<li class="card' + (p.overdue ? " overdue" : "") + '" data-placement="' + esc(p.placement) + '">' +
      '<p class="who"><strong>' + esc(p.name) + "</strong><small>→ " + esc(p.end.slice(5)) + "</small></p>" +
      "<small>" + esc(p.address) + '</small><p class="tags">' + tags + "</p>" +
      (queued || p.checked ? "" : '<button type="button" class="tap" data-act="check">' + esc(T.check_in) + "</button>") +
      "</li>";
  }

  /* An open task; a door check takes a door visit. ``sent`` when its record waits to sync. */
  function task(T, t, sent) {
    return '<li class="card' + (t.door ? " door" : "") + '" data-task="' + esc(t.task) + '" data-door="' + (t.door ? 1 : 0) + '">' +
      '<p class="who"><strong>' + esc(t.title) + "</strong><small>" + esc(T.due) + " " + esc(new Date(t.deadline).toLocaleDateString()) + "</small></p>" +
      (t.description ? "<small>" + esc(t.description) + "</small>" : "") +
      (sent ? queuedTag(T)
        : '<button type="button" class="tap" data-act="work">' + esc(t.door ? T.door_visit : T.report_work) + "</button>") +
      "</li>";
  }

  /* A resident of ``round`` not sampled yet; ``done`` when a reminder waits to sync. */
  function untested(T, round, u, done, outcomes) {
    return '<li class="card" data-person="' + esc(u.person) + '" data-round="' + esc(round) + '"><strong>' + esc(u.name) + "</strong> <small>" + esc(u.address) + " " + esc(u.phone) + "</small>" +
      (done ? queuedTag(T)
        : '<p class="row">' + outcomes.map(function (o) {
          return '<button type="button" class="secondary" data-act="remind" data-outcome="' + esc(o[0]) + '">' + esc(o[1]) + "</button>";
        }).join("") + "</p>") + "</li>";
  }

  /* Whether any of ``values`` holds ``needle`` (already lower case); an empty needle finds all. */
  function matches(needle, values) {
    if (!needle) return true;
    for (var i = 0; i < values.length; i++) {
      if (values[i] && String(values[i]).toLowerCase().indexOf(needle) >= 0) return true;
    }
    return false;
  }

  Field.cards = { esc: esc, monitoring: monitoring, task: task, untested: untested, matches: matches };
})(window.PingjiField = window.PingjiField || {});
