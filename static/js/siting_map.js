/* Archive siting study map: ranked candidates (numbered markers), excluded ones (grey) and
   the hazard layers. Popups and tooltips are DOM nodes from map_text.js (names are text). */
window.showSiting = function (map) {
  "use strict";
  var T = window.mapText;
  var results = JSON.parse(document.getElementById("siting-results").textContent);
  var layers = JSON.parse(document.getElementById("siting-layers").textContent);
  var bounds = [];
  results.ranked.forEach(function (r) {
    L.marker([r.lat, r.lon], {title: r.name}).addTo(map)
      .bindPopup(function () { return T.popup([["#" + r.rank + " ", {strong: r.name}, " — " + r.total.toFixed(3)]]); })
      .bindTooltip(T.text(r.rank), {permanent: true, direction: "top"});
    bounds.push([r.lat, r.lon]);
  });
  results.excluded.forEach(function (r) {
    L.circleMarker([r.lat, r.lon], {radius: 5, color: "#777"}).addTo(map)
      .bindPopup(function () { return T.popup([{strong: r.name}]); });
    bounds.push([r.lat, r.lon]);
  });
  var colours = {flood: "#1e88e5", landslide: "#8d6e63", hazard_site: "#e53935", road: "#555"};
  layers.forEach(function (layer) {
    fetch(layer.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {style: {color: colours[layer.kind], weight: 2},
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 6, color: colours[layer.kind]}); }
      }).addTo(map).bindTooltip(T.text(layer.name));
    });
  });
  if (bounds.length) { map.fitBounds(bounds, {padding: [20, 20]}); }
};
