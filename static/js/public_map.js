/* Public register maps (/cong-khai/): the list's map loads the GeoJSON of the filtered
   list; a site's page shows its point. Popups are DOM nodes: names are text, never HTML. */
(function () {
  "use strict";
  window.publicMap = function (map) {
    var config = JSON.parse(document.getElementById("public-map-config").textContent);
    window.publicMapInstance = map;
    fetch(config.data, {headers: {"Accept": "application/geo+json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          onEachFeature: function (feature, marker) {
            var p = feature.properties, box = document.createElement("div"), title = document.createElement("strong");
            var line = document.createElement("div"), link = document.createElement("a");
            title.textContent = p.code + " – " + p.name;
            line.textContent = [p.status, p.handling_stage, p.intended_use].filter(Boolean).join(" · ");
            link.href = p.url; link.textContent = config.open;
            box.append(title, line, link);
            marker.bindPopup(box);
          }
        }).addTo(map);
        if (data.features.length) { map.fitBounds(layer.getBounds().pad(0.2), {maxZoom: 14}); }
        document.body.dataset.mapState = "ready";
        document.body.dataset.mapFeatures = String(data.features.length);
      })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "error"; note.textContent = config.error;
        map.getContainer().after(note);
        document.body.dataset.mapState = "error";
      });
  };
  window.publicSiteMap = function (map) {
    var point = JSON.parse(document.getElementById("public-site-point").textContent);
    L.marker(point).addTo(map);
    map.setView(point, 15);
    document.body.dataset.mapState = "ready";
  };
}());
