/* The declared pin on a small map beside a declaration item, for the reviewer. */
(function () {
  "use strict";
  function start() {
    if (!window.L) return;
    document.querySelectorAll("[data-pin-map]").forEach((node) => {
      const point = [Number(node.dataset.lat), Number(node.dataset.lon)];
      const map = L.map(node, { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false });
      map.setView(point, 15);
      if (node.dataset.tiles) L.tileLayer(node.dataset.tiles, { maxZoom: 18 }).addTo(map);
      L.circleMarker(point, { radius: 8, weight: 3 }).addTo(map);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
