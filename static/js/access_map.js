/* Access review map: each commune's main headquarters (circle numbered by rank, red when
   some of its distances are estimates) and the places measured to it (dots, hollow when the
   distance is an estimate). Tooltips are DOM nodes from map_text.js. */
window.showAccess = function (map) {
  "use strict";
  var T = window.mapText;
  var data = JSON.parse(document.getElementById("access-markers").textContent);
  var bounds = [];
  data.forEach(function (c) {
    c.legs.forEach(function (leg) {
      L.polyline([[c.lat, c.lon], [leg.lat, leg.lon]], {color: "#888", weight: 1, dashArray: leg.estimate ? "4 4" : null}).addTo(map);
      L.circleMarker([leg.lat, leg.lon], {radius: 3, color: "#555", fillOpacity: leg.estimate ? 0 : 0.7}).addTo(map)
        .bindTooltip(T.text(leg.name));
    });
    L.circleMarker([c.lat, c.lon], {radius: 8, color: c.estimate ? "#b00020" : "#0b5cad", fillOpacity: 0.8}).addTo(map)
      .bindTooltip(T.text("#" + c.rank + " " + c.name + " — " + c.worst_km + " km"));
    bounds.push([c.lat, c.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 12}); }
};
