/* Small behaviours of every page, kept out of inline handlers (content security policy):
   the language switch, the folding menu on a phone, the confirmation before a form that
   sends, withdraws or closes something, and the error summary of a form. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-submit-on-change]")) { event.target.form.submit(); }
  });

  /* The menu: a button opens and folds it on a narrow screen (CSS hides the button on a
     wide one); without this script the menu simply stays open. */
  function setUpMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (!toggle || !nav) { return; }
    document.documentElement.classList.add("has-menu-toggle");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
  }

  /* Confirmation: a form with data-confirm="question" asks first, in a dialog showing the
     question and, if the form holds an element .confirm-source (rendered by the server,
     hidden), a copy of it as the summary of what will be sent. Cancelling sends nothing. */
  function setUpConfirm() {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    var title = dialog.querySelector("#confirm-title");
    var summary = dialog.querySelector(".confirm-summary");
    var pending = null;
    var pendingSubmitter = null;

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("form[data-confirm]") || form.dataset.confirmed === "yes") { return; }
      event.preventDefault();
      pending = form;
      pendingSubmitter = event.submitter || null;
      title.textContent = form.getAttribute("data-confirm");
      summary.textContent = "";
      var source = form.querySelector(".confirm-source");
      if (source) {
        var copy = source.cloneNode(true);
        copy.hidden = false;
        copy.classList.remove("confirm-source");
        summary.appendChild(copy);
      } else {
        summary.appendChild(filledFields(form));
      }
      dialog.returnValue = "";
      dialog.showModal();
      dialog.querySelector("[value=cancel]").focus();
    }, true);

    dialog.addEventListener("close", function () {
      var form = pending;
      pending = null;
      if (!form || dialog.returnValue !== "ok") { return; }
      // The flag lets this one submit event through (requestSubmit dispatches it at once)
      // and is gone afterwards, so the page, if shown again (back button), asks again.
      form.dataset.confirmed = "yes";
      try {
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(pendingSubmitter || undefined);
        } else {
          form.submit();
        }
      } finally {
        delete form.dataset.confirmed;
      }
    });
  }

  /* A summary of what a form will send: each filled visible field as "label: value"
     (as text, never markup). */
  function filledFields(form) {
    var list = document.createElement("ul");
    var seen = 0;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (seen >= 15 || !element.name || element.type === "hidden" || element.disabled) { return; }
      if (element.type === "submit" || element.type === "button" || element.closest("[hidden]")) { return; }
      var value = "";
      if (element.tagName === "SELECT") {
        value = Array.prototype.filter.call(element.options, function (o) { return o.selected && o.value !== ""; })
          .map(function (o) { return o.textContent.trim(); }).join(", ");
      } else if (element.type === "checkbox" || element.type === "radio") {
        if (!element.checked) { return; }
        value = "✓";
      } else if (element.type === "file") {
        value = Array.prototype.map.call(element.files || [], function (f) { return f.name; }).join(", ");
      } else {
        value = element.value.trim();
      }
      if (!value) { return; }
      var label = element.id ? form.querySelector("label[for='" + element.id + "']") : null;
      label = label || element.closest("label");
      var item = document.createElement("li");
      var name = label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : element.name;
      item.textContent = (value === "✓" ? name : name + ": " + value);
      list.appendChild(item);
      seen += 1;
    });
    return list;
  }

  /* The error summary: focus it so a screen reader and a phone user start from the list
     of everything to correct; its links move to the field. */
  function setUpErrorSummary() {
    var box = document.querySelector(".error-summary");
    if (!box) { return; }
    box.focus();
    box.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      var field = target.closest("[data-field]") || target;
      field.scrollIntoView({block: "center"});
      if (typeof target.focus === "function") { target.focus({preventScroll: true}); }
    });
  }

  /* Long boxes (the map's filters) start folded on a phone, open on a wide screen. */
  function foldOnPhone() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 700px)").matches) { return; }
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) { box.open = false; });
  }

  function start() {
    foldOnPhone();
    setUpMenu();
    setUpConfirm();
    setUpErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
