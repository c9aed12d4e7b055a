/* Small behaviours of every page, kept out of inline handlers (content security policy). */
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-submit-on-change]")) { event.target.form.submit(); }
});
