/* The field app's three lists and their forms (docs/field.md): each list a virtual list
 * (vlist.js) holding every row of the day, searched by the box at the top; a tap opens a form
 * in the card, and what it records goes to ``onRecord(kind, data, label)`` (app.js). */
(function (Field) {
  "use strict";

  var cards = Field.cards;
  var esc = cards.esc;

  Field.makeLists = function (root, T, onRecord) {
    var finder = document.getElementById("find");
    var day = null;
    var marks = { checks: {}, work: {}, reminded: {} };
    var monitoring = new Field.VList(document.getElementById("monitoring"), function (p) {
      return cards.monitoring(T, p, marks.checks[p.placement]);
    }, function (p) { return "p" + p.placement; });
    var tasks = new Field.VList(document.getElementById("tasks"), function (t) {
      return cards.task(T, t, marks.work[t.task]);
    }, function (t) { return "t" + t.task; });
    var rounds = []; // a VList per open round, drawn for ``roundsOf``
    var roundsOf = null;

    function lists() { return [monitoring, tasks].concat(rounds); }

    function queuedSet(queue, kinds, field) {
      var found = {};
      queue.forEach(function (r) { if (kinds.indexOf(r.kind) >= 0) found[r.data[field]] = true; });
      return found;
    }

    function count(id, n) {
      document.querySelector("#" + id + "-panel .count").textContent = day ? n : "";
    }

    /* The untested lists: a heading and a list per round, made again when the day is new. */
    function roundLists() {
      if (roundsOf === (day && day.untested)) return;
      rounds.forEach(function (l) { l.drop(); });
      var box = document.getElementById("untested");
      box.innerHTML = "";
      roundsOf = day && day.untested;
      rounds = (roundsOf || []).map(function (r) {
        var heading = document.createElement("h3");
        heading.textContent = r.label;
        var ul = document.createElement("ul");
        ul.className = "cards";
        box.appendChild(heading);
        box.appendChild(ul);
        return new Field.VList(ul, function (u) {
          return cards.untested(T, r.round, u, marks.reminded[r.round + ":" + u.person], day.reminder_outcomes);
        }, function (u) { return "u" + u.person; });
      });
    }

    function draw(today, queue, conflicts) {
      day = today;
      var needle = finder.value.trim().toLowerCase();
      marks.checks = queuedSet(queue, ["check"], "placement");
      marks.work = queuedSet(queue, ["door", "evidence"], "task");
      marks.reminded = {};
      queue.forEach(function (q) { if (q.kind === "reminder") marks.reminded[q.data.round + ":" + q.data.person] = true; });
      var none = needle ? T.none_found : null;

      var people = day ? day.monitoring : [];
      if (needle) people = people.filter(function (p) { return cards.matches(needle, [p.name, p.address]); });
      monitoring.set(people, day ? "<li>" + esc(none || T.nobody_monitored) + "</li>" : "");
      count("monitoring", people.length);

      var work = day ? day.tasks : [];
      if (needle) work = work.filter(function (t) { return cards.matches(needle, [t.title, t.description]); });
      tasks.set(work, day ? "<li>" + esc(none || T.no_tasks) + "</li>" : "");
      count("tasks", work.length);

      untested(needle);
      drawConflicts(conflicts);
    }

    function untested(needle) {
      roundLists();
      var n = 0;
      (roundsOf || []).forEach(function (r, i) {
        var people = r.people;
        if (needle) people = people.filter(function (u) { return cards.matches(needle, [u.name, u.address, u.phone]); });
        rounds[i].set(people, "");
        n += people.length;
      });
      var box = document.getElementById("untested");
      var nobody = box.querySelector("p.nobody");
      if (nobody) nobody.remove();
      if (day && !n) box.insertAdjacentHTML("beforeend", '<p class="nobody">' + esc(needle ? T.none_found : T.nobody_untested) + "</p>");
      count("untested", n);
    }

    function drawConflicts(conflicts) {
      var looked = document.getElementById("conflicts");
      looked.hidden = !conflicts.length;
      looked.querySelector("ul").innerHTML = conflicts.map(function (c) {
        return '<li class="' + esc(c.outcome) + '" data-id="' + esc(c.id) + '"><strong>' + esc(c.label) + "</strong>: " + esc(c.message) + "</li>";
      }).join("");
    }

    // --- forms, one at a time --------------------------------------------------------------

    function closeForms() {
      Array.prototype.forEach.call(root.querySelectorAll("form.inline-form"), function (f) { f.remove(); });
      lists().forEach(function (l) { l.unpin(); });
    }

    /* The form is kept by the card's list, so scrolling the card away and back keeps it. */
    function openForm(card, form) {
      card.appendChild(form);
      lists().forEach(function (l) { if (l.ul === card.parentElement) l.pin(card, form); });
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
      openForm(card, form);
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
      openForm(card, form);
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
        onRecord("reminder", { person: Number(card.dataset.person), round: Number(card.dataset.round), outcome: button.dataset.outcome }, name);
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
        onRecord("check", { placement: Number(card.dataset.placement), temperature: form.temperature.value, symptoms: symptoms, note: form.note.value }, label);
      } else {
        var text = form.text.value.trim();
        var data = { task: Number(card.dataset.task), text: text };
        if (form.dataset.kind === "door") data.outcome = form.querySelector("input[name=outcome]:checked").value;
        else if (!text) { form.text.setCustomValidity(T.write_something); form.reportValidity(); return; }
        onRecord(form.dataset.kind, data, label);
      }
      closeForms();
    });

    return { draw: draw, closeForms: closeForms, finder: finder };
  };
})(window.PingjiField = window.PingjiField || {});
