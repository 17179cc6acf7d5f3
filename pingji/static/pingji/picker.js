/* Pickers (core/widgets.py): type a name, choose a match, the hidden input keeps its key.

   Every .picker on the page asks its data-picker URL for the rows matching what was typed and
   lists them as a listbox: arrow keys move, Enter or a tap chooses, Escape closes. Typing again
   clears the chosen key, so what is posted is always a row the server listed for this user (and
   checks again). A file, loaded by each widget and run once: the Content-Security-Policy allows
   no inline script.

   A picker of several rows (data-picker-many, the field's name) adds a ticked box per row chosen
   and empties the search box for the next; unticking a box drops its row. Suggested rows
   (.picker-suggestion buttons) are chosen by a press, as if found by typing. */
(function () {
  "use strict";
  if (window.pingjiPicker) { return; }
  window.pingjiPicker = true;

  var WAIT_MS = 200;

  function setup(root) {
    if (root.dataset.pickerReady) { return; }
    root.dataset.pickerReady = "1";
    var box = root.querySelector(".picker-box");
    var key = root.querySelector(".picker-key");
    var list = root.querySelector(".picker-list");
    var status = root.querySelector(".picker-status");
    var min = parseInt(root.dataset.pickerMin || "1", 10);
    var timer = null;
    var asked = 0;
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({block: "nearest"});
    }

    function add(option) {
      var chosen = root.querySelector(".picker-chosen");
      var ticked = Array.prototype.find.call(chosen.querySelectorAll("input[type=checkbox]"),
        function (input) { return input.value === option.dataset.key; });
      if (!ticked) {
        var chip = document.createElement("label");
        chip.className = "picker-chip";
        ticked = document.createElement("input");
        ticked.type = "checkbox";
        ticked.name = root.dataset.pickerMany;
        ticked.value = option.dataset.key;
        chip.appendChild(ticked);
        chip.appendChild(document.createTextNode(" " + option.textContent));
        chosen.appendChild(chip);
      }
      ticked.checked = true;
      box.value = "";
      key.value = "";
      status.textContent = "";
      close();
    }

    function choose(option) {
      if (root.dataset.pickerMany) { add(option); return; }
      key.value = option.dataset.key;
      box.value = option.textContent;
      status.textContent = "";
      close();
      key.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function followed() {
      var name = root.dataset.pickerFollows;
      if (!name || !box.form) { return ""; }
      var field = box.form.elements[name];
      return field && field.value ? "&" + encodeURIComponent(name) + "=" + encodeURIComponent(field.value) : "";
    }

    function show(data) {
      list.textContent = "";
      data.results.forEach(function (row, i) {
        var option = document.createElement("span");  /* a list would close the field's <p> */
        option.id = box.id + "_option_" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.key = row.id;
        option.textContent = row.label;
        list.appendChild(option);
      });
      status.textContent = !data.results.length ? root.dataset.pickerNone : (data.more ? root.dataset.pickerMore : "");
      list.hidden = !data.results.length;
      box.setAttribute("aria-expanded", data.results.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var text = box.value.trim();
      if (text.length < min) { close(); status.textContent = ""; return; }
      var ticket = ++asked;
      var url = root.dataset.picker;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text) + followed(), {
        credentials: "same-origin",
        headers: {"Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (answer) {
        if (ticket !== asked) { return; }  /* a later keystroke asked again */
        if (answer.ok) { show(answer.body); return; }
        close();
        status.textContent = answer.body.detail || root.dataset.pickerError;
      }).catch(function () {
        if (ticket === asked) { close(); status.textContent = root.dataset.pickerError; }
      });
    }

    box.addEventListener("input", function () {
      key.value = "";
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { ask(); return; }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();  /* choosing is not submitting */
        var all = options();
        if (all.length) { choose(all[active < 0 ? 0 : active]); }
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { choose(option); box.focus(); }
    });
    root.addEventListener("click", function (event) {
      var suggestion = event.target.closest(".picker-suggestion");
      if (suggestion) { choose(suggestion); }
    });
    /* keep the list open while a finger or the mouse is on it (blur comes before click) */
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    /* a chosen label is replaced, not appended to, by what is typed next */
    box.addEventListener("focus", function () { if (key.value) { box.select(); } });
    if (root.dataset.pickerFollows && box.form) {
      box.form.addEventListener("change", function (event) {
        if (event.target.name === root.dataset.pickerFollows) { key.value = ""; box.value = ""; }
      });
    }
  }

  function setupAll() { document.querySelectorAll(".picker[data-picker]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupAll);
  } else {
    setupAll();
  }
})();
