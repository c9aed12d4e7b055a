/* Review map: loads the map data and the side summary for the viewport and filters,
   and the totals of a drawn area. The server does the aggregation (maps/mapdata.py).
   Popups, tooltips, icons and tables are DOM nodes from map_text.js: names are text. */
(function () {
  "use strict";
  var T = window.mapText;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var legend = JSON.parse(document.getElementById("map-legend").textContent);
  var colours = {}, statusLabels = {};
  legend.forEach(function (item) { colours[item.value] = item.colour; statusLabels[item.value] = item.label; });
  var L_ = config.labels;
  var lang = document.documentElement.lang || "vi";
  var number = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", {maximumFractionDigits: 0});
  var form = document.getElementById("map-filters");
  var map, dataLayer, drawnLayer, drawnArea = null, generation = 0;

  function fmt(value) { return value === null || value === undefined ? "—" : number.format(value); }
  function filterParams() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") { params.append(key, value); } });
    return params;
  }
  function bboxParam() {
    var b = map.getBounds().pad(0.1);
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, v)); };
    return [clamp(b.getWest(), -180, 179.9), clamp(b.getSouth(), -90, 89.9),
            clamp(b.getEast(), -179.9, 180), clamp(b.getNorth(), -89.9, 90)].map(function (v) { return v.toFixed(5); }).join(",");
  }
  function rows(table, totals, keys) {
    var body = [];
    keys.forEach(function (key) {
      var tr = document.createElement("tr");
      tr.append(T.cell(L_[key]), T.cell(fmt(totals[key]), {"class": "num", "data-key": key}));
      body.push(tr);
    });
    Object.keys(totals.by_status || {}).forEach(function (status) {
      var tr = document.createElement("tr"), dot = document.createElement("span"), label = document.createElement("td");
      dot.className = "dot";
      dot.style.background = colours[status] || "";
      label.append(dot, statusLabels[status] || status);
      tr.append(label, T.cell(fmt(totals.by_status[status]), {"class": "num", "data-status": status}));
      body.push(tr);
    });
    table.replaceChildren.apply(table, body);
  }
  var SUMMARY_KEYS = ["count", "floor_area", "surplus_count", "surplus_area", "surplus_value", "asset_items", "asset_value", "surplus_asset_value"];

  function popupFor(p) {
    if (p.kind === "premises") {
      return T.popup([
        {strong: p.name},
        p.code + " · " + (statusLabels[p.status] || p.status),
        L_.floor_area + ": " + fmt(p.floor_area),
        p.surplus_area ? L_.surplus_area + ": " + fmt(p.surplus_area) : null,
        L_.remaining_value + ": " + fmt(p.remaining_value),
        L_.asset_value + ": " + fmt(p.asset_value),
        {href: config.premises.replace("/0/", "/" + encodeURIComponent(p.id) + "/"), text: L_.open}
      ]);
    }
    return T.popup([
      p.name ? {strong: p.name} : null,
      L_.count + ": " + fmt(p.count),
      L_.floor_area + ": " + fmt(p.floor_area),
      L_.surplus_count + ": " + fmt(p.surplus_count),
      L_.surplus_area + ": " + fmt(p.surplus_area),
      L_.surplus_value + ": " + fmt(p.surplus_value)
    ]);
  }
  function pointToLayer(feature, latlng) {
    var p = feature.properties;
    if (p.kind === "premises") {
      return L.circleMarker(latlng, {radius: 7, color: "#263238", weight: 1, fillColor: colours[p.status] || "#999", fillOpacity: 0.9});
    }
    var size = Math.round(22 + Math.min(30, Math.sqrt(p.count) * 2.2));
    var icon = L.divIcon({className: "cluster-icon" + (p.surplus_count ? " has-surplus" : ""), iconSize: [size, size],
      html: T.text(fmt(p.count))});
    return L.marker(latlng, {icon: icon, title: p.name || String(p.count)});
  }
  function onEach(feature, layer) {
    var p = feature.properties;
    layer.bindPopup(function () { return popupFor(p); });
    if (p.kind === "cluster") {
      layer.on("dblclick", function () { map.setView(layer.getLatLng(), map.getZoom() + 2); });
    }
  }
  function load() {
    var mine = ++generation;
    var params = filterParams();
    params.set("z", map.getZoom());
    params.set("bbox", bboxParam());
    document.body.dataset.mapState = "loading";
    var data = fetch(config.data + "?" + params.toString(), {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    });
    var totals = fetch(config.totals + "?" + params.toString(), {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    });
    Promise.all([data, totals]).then(function (results) {
      if (mine !== generation) { return; }
      dataLayer.clearLayers();
      dataLayer.addData(results[0]);
      document.getElementById("map-level").textContent = results[0].level === "unit" ? L_.unit_level : L_.cluster_level;
      rows(document.getElementById("summary-table"), results[1], SUMMARY_KEYS);
      document.body.dataset.mapState = "ready";
      if (drawnArea) { loadArea(); }
    }).catch(function () {
      if (mine !== generation) { return; }
      document.getElementById("map-level").textContent = L_.error;
      document.body.dataset.mapState = "error";
    });
  }
  function loadArea() {
    var params = filterParams();
    params.set("area", JSON.stringify(drawnArea));
    document.body.dataset.areaState = "loading";
    fetch(config.totals + "?" + params.toString(), {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (totals) {
        document.getElementById("area-card").hidden = false;
        rows(document.getElementById("area-table"), totals, SUMMARY_KEYS);
        document.body.dataset.areaState = "ready";
      });
  }
  function unitLayers(control) {
    config.unitLayers.forEach(function (spec, index) {
      var layer = L.geoJSON(null, {
        style: {color: index === 0 ? "#0b3d6e" : "#8d6e63", weight: index === 0 ? 1.5 : 1, fill: false, dashArray: index === 0 ? null : "4 3"},
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 3, color: "#0b3d6e", weight: 1}); },
        onEachFeature: function (f, l) { l.bindTooltip(T.text(f.properties.name)); }
      });
      var loaded = false;
      layer.on("add", function () {
        if (loaded) { return; }
        loaded = true;
        fetch(config.units.replace("LEVEL", spec.level), {credentials: "same-origin"}).then(function (r) { return r.json(); })
          .then(function (data) { layer.addData(data); });
      });
      control.addOverlay(layer, spec.label);
      if (index === 0) { layer.addTo(map); }
    });
  }

  window.reviewMap = function (leafletMap) {
    map = leafletMap;
    window.reviewMapInstance = map;
    map.setView([19.2, 104.9], 8);
    dataLayer = L.geoJSON(null, {pointToLayer: pointToLayer, onEachFeature: onEach}).addTo(map);
    drawnLayer = new L.FeatureGroup().addTo(map);
    var control = L.control.layers(null, null, {collapsed: true}).addTo(map);
    unitLayers(control);
    map.addControl(new L.Control.Draw({
      draw: {polyline: false, circle: false, circlemarker: false, marker: false, rectangle: {}, polygon: {allowIntersection: false}},
      edit: {featureGroup: drawnLayer, edit: false}
    }));
    map.on(L.Draw.Event.CREATED, function (event) {
      drawnLayer.clearLayers();
      drawnLayer.addLayer(event.layer);
      drawnArea = event.layer.toGeoJSON().geometry;
      loadArea();
    });
    map.on(L.Draw.Event.DELETED, clearArea);
    map.on("moveend", load);
    load();
  };
  function clearArea() {
    drawnLayer.clearLayers();
    drawnArea = null;
    document.getElementById("area-card").hidden = true;
  }
  /* The drawn area as GeoJSON (null if none). */
  window.reviewMapArea = function () { return drawnArea; };
  /* Set the drawn area from GeoJSON. */
  window.reviewMapSetArea = function (geometry) {
    drawnLayer.clearLayers();
    drawnLayer.addLayer(L.geoJSON(geometry));
    drawnArea = geometry;
    loadArea();
  };
  document.getElementById("area-clear").addEventListener("click", clearArea);
  form.addEventListener("change", function () { if (map) { load(); } });
  form.addEventListener("submit", function (e) { e.preventDefault(); if (map) { load(); } });
  form.addEventListener("reset", function () { setTimeout(function () { if (map) { load(); } }, 0); });
})();
