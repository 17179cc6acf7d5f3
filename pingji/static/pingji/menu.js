/* The grouped main menu: one group open at a time, closed by a click elsewhere or by Escape.
   The menu works without this file (each group is a <details>, the phone's menu button a
   checkbox); this only keeps two dropdowns from lying on top of each other on a desk. A file
   rather than inline code: the Content-Security-Policy allows no inline script. */
(function () {
  function groups() { return document.querySelectorAll(".main-nav details.nav-group"); }
  function closeAll(except) {
    groups().forEach(function (d) { if (d !== except) d.removeAttribute("open"); });
  }
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.matches && d.matches("details.nav-group") && d.open) closeAll(d);
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".main-nav")) {
      if (!event.target.closest || !event.target.closest(".menu-button")) closeAll(null);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    closeAll(null);
    var toggle = document.getElementById("menu-open");
    if (toggle) toggle.checked = false;
  });
})();
