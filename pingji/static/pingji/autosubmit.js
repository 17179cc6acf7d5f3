/* Selects marked data-autosubmit submit their form on change (the language and focus switchers).
   A file rather than onchange attributes: the Content-Security-Policy allows no inline script. */
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
