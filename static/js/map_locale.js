/* Leaflet's own controls in the page's language (inventory/leaflet_text.py): the zoom
   buttons' titles and every string of Leaflet.draw (L.drawLocal). Loaded with Leaflet on
   every map page (LEAFLET_CONFIG PLUGINS, auto-included) just after /map-locale.js, which
   sets window.MAP_LOCALE in the request's language. */
(function () {
  "use strict";

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      var value = source[key];
      if (value !== null && typeof value === "object") {
        if (typeof target[key] !== "object" || target[key] === null) { target[key] = {}; }
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    });
  }

  function apply() {
    var text = window.MAP_LOCALE;
    if (!text || typeof L === "undefined") { return; }
    L.Control.Zoom.prototype.options.zoomInTitle = text.zoom.zoomInTitle;
    L.Control.Zoom.prototype.options.zoomOutTitle = text.zoom.zoomOutTitle;
    if (L.drawLocal) {
      merge(L.drawLocal.draw, text.draw);
      merge(L.drawLocal.edit, text.edit);
    }
  }

  // Now (the zoom buttons of every map read their titles when the map is made) and again as
  // each map is made: django-leaflet's own partial translation of L.drawLocal runs after this
  // file, and the drawing tools read L.drawLocal when they are added to a map.
  apply();
  if (typeof L !== "undefined") { L.Map.addInitHook(apply); }
})();
