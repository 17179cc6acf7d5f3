/* A virtual list: every row of a list is in it (scrollable, findable, counted in data-rows), and
 * only the rows near the screen are in the document.
 *
 * Why: a grid has up to 2,000 people. Putting 2,000 cards (some 20,000 elements) into the
 * document costs a mid-range phone about half a second of parsing, style and layout before the
 * list can be used; the rows near the screen cost a few milliseconds (docs/field.md). The rows
 * not drawn are stood in for by the list's own padding, at the average height of the rows drawn,
 * so the page scrolls its whole length; when rows are drawn anew, the row at the top of the
 * screen is kept where it was, so the page does not jump when real heights differ from the
 * average. The list is drawn on the window's scroll and resize, once a frame.
 *
 * A row's inline form (a check being typed) is a node kept by the list ("pinned"): drawing the
 * row again puts the same node back, with what was typed in it.
 */
(function (Field) {
  "use strict";

  var lists = [];
  var scheduled = false;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () {
      scheduled = false;
      lists.forEach(function (l) { if (l.ul.isConnected) l.draw(); });
    });
  }
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);

  /* ``ul`` the list element; ``html(item)`` a row's markup (one element); ``keyOf(item)`` a
   * stable key of the row (its form stays with it). */
  function VList(ul, html, keyOf) {
    this.ul = ul;
    this.html = html;
    this.keyOf = keyOf;
    this.items = [];
    this.from = 0;
    this.to = 0;
    this.average = 0; // px per row, measured on the rows drawn
    this.measured = 0;
    this.pinned = null; // {key, node}
    lists.push(this);
  }

  /* The list's rows, all of them; ``empty`` the markup shown when there are none. */
  VList.prototype.set = function (items, empty) {
    this.items = items;
    this.empty = empty || "";
    this.ul.dataset.rows = items.length;
    this.draw(true);
  };

  VList.prototype.itemOf = function (li) {
    var i = Array.prototype.indexOf.call(this.ul.children, li);
    return i < 0 ? null : this.items[this.from + i];
  };

  VList.prototype.pin = function (li, node) {
    var item = this.itemOf(li);
    this.pinned = item ? { key: this.keyOf(item), node: node } : null;
  };

  VList.prototype.unpin = function () {
    this.pinned = null;
  };

  /* The list is no longer on the page (a round's list drawn anew): stop drawing it. */
  VList.prototype.drop = function () {
    var at = lists.indexOf(this);
    if (at >= 0) lists.splice(at, 1);
  };

  /* Rows [from, to) to draw so that the screen, and a screen above and below it, is covered;
   * null when the rows drawn already cover it. The first row on screen and where it is on
   * screen come with it, to keep it there. */
  VList.prototype.range = function (force) {
    var n = this.items.length;
    var screen = window.innerHeight || 740;
    var listTop = this.ul.getBoundingClientRect().top;
    var avg = this.average || 100;
    var padTop = parseFloat(this.ul.style.paddingTop) || 0;
    var kids = this.ul.children;
    var drawnTop = listTop + padTop;
    var drawnBottom = kids.length ? kids[kids.length - 1].getBoundingClientRect().bottom : drawnTop;
    var covered = drawnTop <= -screen / 2 || this.from === 0;
    covered = covered && (drawnBottom >= screen * 1.5 || this.to === n);
    if (!force && covered && kids.length === this.to - this.from) return null;
    var anchor = null;
    var first;
    if (kids.length && drawnTop <= 0 && drawnBottom > 0) {
      for (var j = 0; j < kids.length; j++) {
        if (kids[j].getBoundingClientRect().bottom > 0) break;
      }
      first = this.from + j;
      anchor = { index: first, y: kids[j].getBoundingClientRect().top };
    } else if (drawnTop > 0) {
      first = Math.floor(Math.max(0, -listTop) / avg);
    } else {
      first = this.to + Math.floor(-drawnBottom / avg);
    }
    first = Math.max(0, Math.min(n - 1, first));
    var rows = Math.ceil(screen / avg);
    return {
      from: Math.max(0, first - rows),
      to: Math.min(n, first + 2 * rows + 1),
      anchor: anchor,
    };
  };

  VList.prototype.draw = function (force) {
    if (!this.items.length) {
      if (!force) return;
      this.ul.style.paddingTop = this.ul.style.paddingBottom = "";
      this.ul.innerHTML = this.empty;
      this.from = this.to = 0;
      return;
    }
    var r = this.range(force);
    if (!r) return;
    var html = "";
    for (var i = r.from; i < r.to; i++) html += this.html(this.items[i]);
    this.ul.innerHTML = html;
    this.from = r.from;
    this.to = r.to;
    this.repin();
    this.measure();
    this.pad();
    if (r.anchor && r.anchor.index >= r.from && r.anchor.index < r.to) {
      var moved = this.ul.children[r.anchor.index - r.from].getBoundingClientRect().top - r.anchor.y;
      if (moved) window.scrollBy(0, moved);
    }
  };

  VList.prototype.repin = function () {
    if (!this.pinned) return;
    for (var i = this.from; i < this.to; i++) {
      if (this.keyOf(this.items[i]) === this.pinned.key) {
        this.ul.children[i - this.from].appendChild(this.pinned.node);
        return;
      }
    }
  };

  /* The average row height, over every row drawn so far (a running mean): it stands in for
   * the rows not drawn. */
  VList.prototype.measure = function () {
    var kids = this.ul.children;
    if (!kids.length) return;
    var first = kids[0].getBoundingClientRect();
    var last = kids[kids.length - 1].getBoundingClientRect();
    var gap = parseFloat(getComputedStyle(kids[0]).marginBottom) || 0;
    var each = (last.bottom - first.top + gap) / kids.length;
    this.average = (this.average * this.measured + each * kids.length) / (this.measured + kids.length);
    this.measured = Math.min(this.measured + kids.length, 1000);
  };

  VList.prototype.pad = function () {
    var avg = this.average || 100;
    this.ul.style.paddingTop = Math.round(this.from * avg) + "px";
    this.ul.style.paddingBottom = Math.round((this.items.length - this.to) * avg) + "px";
  };

  Field.VList = VList;
  Field.redraw = schedule;
})(window.PingjiField = window.PingjiField || {});
