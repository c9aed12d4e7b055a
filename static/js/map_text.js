/* Popups, tooltips and side tables of the maps, built as DOM nodes. Leaflet puts a string
   given to bindPopup, bindTooltip or divIcon({html}) into innerHTML, so a name someone typed
   ("<img src=x onerror=...>") would become markup. Every map builds its popups and tooltips
   here instead: all text goes in as text (textContent), never parsed. Markup strings must not
   be given to Leaflet anywhere in the maps. */
(function () {
  "use strict";

  /* One piece of a line: plain text, {strong: text}, or {href: url, text: text} (a link the
     code built, e.g. to a record). */
  function piece(spec) {
    var node;
    if (spec === null || spec === undefined) { return document.createTextNode(""); }
    if (typeof spec !== "object") { return document.createTextNode(String(spec)); }
    if (spec.href !== undefined) {
      node = document.createElement("a");
      node.setAttribute("href", spec.href);
      node.textContent = spec.text === undefined ? "" : String(spec.text);
      return node;
    }
    node = document.createElement("strong");
    node.textContent = spec.strong === undefined || spec.strong === null ? "" : String(spec.strong);
    return node;
  }

  /* A popup body: lines separated by line breaks, each a piece or a list of pieces; null,
     undefined or false lines are left out (for optional lines). */
  function popup(lines) {
    var box = document.createElement("div");
    var first = true;
    lines.forEach(function (line) {
      if (line === null || line === undefined || line === false) { return; }
      if (!first) { box.appendChild(document.createElement("br")); }
      first = false;
      (Array.isArray(line) ? line : [line]).forEach(function (spec) { box.appendChild(piece(spec)); });
    });
    return box;
  }

  /* A tooltip or icon label: the value as text. */
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span;
  }

  /* A table cell holding text; `attrs` become attributes (class, data-*). */
  function cell(value, attrs) {
    var td = document.createElement("td");
    Object.keys(attrs || {}).forEach(function (name) { td.setAttribute(name, attrs[name]); });
    if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value === null || value === undefined ? "" : String(value); }
    return td;
  }

  window.mapText = {popup: popup, text: text, cell: cell};
})();
