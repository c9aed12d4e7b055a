/* Reallocation map of one need: the agency that declared it (blue circle) and the candidate
   supply in rank order (numbered pins). Popups and tooltips are DOM nodes from map_text.js. */
window.showCandidates = function (map) {
  "use strict";
  var T = window.mapText;
  var data = JSON.parse(document.getElementById("candidate-markers").textContent);
  var bounds = [[data.origin.lat, data.origin.lon]];
  L.circleMarker([data.origin.lat, data.origin.lon], {radius: 9, color: "#0b5cad", fillOpacity: 0.8}).addTo(map)
    .bindTooltip(T.text(data.origin.name));
  data.candidates.forEach(function (c) {
    L.marker([c.lat, c.lon], {title: c.name}).addTo(map)
      .bindPopup(function () { return T.popup([["#" + c.rank + " ", {strong: c.name}, " — " + c.distance_km + " km"]]); })
      .bindTooltip(T.text(c.rank), {permanent: true, direction: "top"});
    bounds.push([c.lat, c.lon]);
  });
  map.fitBounds(bounds, {padding: [30, 30], maxZoom: 13});
};
