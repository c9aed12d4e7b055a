/* The location of a premises on its form (inventory/templates/.../record_form.html):
   - a tap (click) on the map drops the pin, or moves it; the pin can be dragged;
   - the pin fills the latitude and longitude fields, and typing them moves the pin;
   - "My location" asks the browser for the phone's position (Geolocation API) and shows
     how accurate it is, as a circle and in words.
   The map itself is django-leaflet's form widget (L.GeometryField): the pin is kept in its
   layer and written to its field through its store, so the form posts what the map shows.
   The latitude/longitude fields win on the server when both are given (PremisesForm). */
(function () {
  "use strict";

  var box = document.querySelector("[data-location-widget]");
  if (!box || typeof L === "undefined") { return; }
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var status = box.querySelector(".location-status");
  var locateButton = box.querySelector("[data-locate]");
  var DIGITS = 7; // the fields' decimal places (≈ 1 cm)
  var map = null;
  var field = null;
  var accuracyCircle = null;

  function say(text, problem) {
    status.textContent = text;
    status.classList.toggle("problem", Boolean(problem));
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, name) { return values[name]; });
  }

  function format(value) {
    return value.toFixed(DIGITS).replace(/0+$/, "").replace(/\.$/, "");
  }

  /* A number typed by a person: a dot or a comma for the decimals; NaN if it is not one. */
  function parse(text) {
    var value = String(text || "").trim().replace(",", ".");
    if (!/^[-+]?\d+(\.\d*)?$|^[-+]?\.\d+$/.test(value)) { return NaN; }
    return Number(value);
  }

  function valid(lat, lon) {
    return isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  }

  function drawing() {
    // While a Leaflet.draw tool is active it owns the clicks.
    var toolbars = field && field._drawControl && field._drawControl._toolbars;
    if (!toolbars) { return false; }
    return Object.keys(toolbars).some(function (key) { return Boolean(toolbars[key]._activeMode); });
  }

  function currentPin() {
    var found = null;
    field.drawnItems.eachLayer(function (layer) { if (!found && layer.getLatLng) { found = layer; } });
    return found;
  }

  function watch(marker) {
    if (marker._locationWatched) { return; }
    marker._locationWatched = true;
    if (marker.dragging) { marker.dragging.enable(); }
    marker.on("dragend", function () {
      var at = marker.getLatLng();
      field.store.save(field.drawnItems);
      checkPlace(at.lat, at.lng);
      writeFields(at.lat, at.lng);
    });
  }

  /* Ask the server whether this place needs confirming (outside the commune, far from its
     centre) and show the answer above the map; the form's error about the previous place
     is hidden once the pin has moved. Without a connection nothing is shown: the form
     checks again when it is sent. */
  var checkTimer = null;
  var checkUrl = box.getAttribute("data-check-url");
  var warningBox = box.querySelector(".location-warning");
  var starting = false;
  function checkPlace(lat, lon) {
    if (starting) { return; } // the place the form was sent with: its answer is on the page
    var stale = box.querySelector(".location-error");
    if (stale) { stale.hidden = true; }
    if (!checkUrl || !warningBox || typeof fetch !== "function") { return; }
    var agency = document.getElementById("id_agency");
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      var query = "?lat=" + encodeURIComponent(format(lat)) + "&lon=" + encodeURIComponent(format(lon)) +
        "&agency=" + encodeURIComponent(agency ? agency.value : "");
      fetch(checkUrl + query, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {warning: null}; })
        .then(function (answer) {
          warningBox.textContent = answer.warning || "";
          warningBox.hidden = !answer.warning;
        })
        .catch(function () { warningBox.hidden = true; });
    }, 250);
  }

  function writeFields(lat, lon) {
    if (latInput) { latInput.value = format(lat); }
    if (lonInput) { lonInput.value = format(lon); }
    say(fill(box.getAttribute("data-placed"), {lat: format(lat), lon: format(lon)}));
    box.dispatchEvent(new CustomEvent("location:changed", {bubbles: true, detail: {lat: lat, lon: lon}}));
  }

  /* Put the one pin at lat/lon and store it in the form; `fromFields` when the fields
     already hold these numbers (they are then left as typed). */
  function placePin(lat, lon, fromFields) {
    var at = L.latLng(lat, lon);
    var marker = currentPin();
    if (marker) {
      marker.setLatLng(at);
    } else {
      field.drawnItems.eachLayer(function (layer) { map.removeLayer(layer); });
      field.drawnItems.clearLayers();
      marker = L.marker(at, {draggable: true, keyboard: true});
      field.drawnItems.addLayer(marker);
      watch(marker);
    }
    field.store.save(field.drawnItems);
    checkPlace(lat, lon);
    if (!fromFields) {
      writeFields(lat, lon);
    } else {
      say(fill(box.getAttribute("data-placed"), {lat: format(lat), lon: format(lon)}));
    }
    return marker;
  }

  function fromFields() {
    if (!latInput || !lonInput) { return; }
    if (latInput.value.trim() === "" || lonInput.value.trim() === "") { return; }
    var lat = parse(latInput.value);
    var lon = parse(lonInput.value);
    if (!valid(lat, lon)) {
      say(box.getAttribute("data-bad-coordinates"), true);
      return;
    }
    placePin(lat, lon, true);
    map.panTo([lat, lon]);
  }

  function showAccuracy(lat, lon, metres) {
    if (accuracyCircle) { map.removeLayer(accuracyCircle); }
    accuracyCircle = L.circle([lat, lon], {radius: metres, weight: 1, interactive: false, fillOpacity: 0.12});
    accuracyCircle.addTo(map);
  }

  function locate() {
    if (!("geolocation" in navigator)) {
      say(box.getAttribute("data-no-geolocation"), true);
      return;
    }
    say(box.getAttribute("data-locating"));
    locateButton.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      locateButton.disabled = false;
      var lat = position.coords.latitude;
      var lon = position.coords.longitude;
      var accuracy = Math.round(position.coords.accuracy);
      placePin(lat, lon, false);
      showAccuracy(lat, lon, accuracy);
      map.setView([lat, lon], Math.max(map.getZoom(), 17));
      say(fill(box.getAttribute("data-located"), {m: accuracy}) + " " + status.textContent);
      box.setAttribute("data-accuracy", String(accuracy));
    }, function (error) {
      locateButton.disabled = false;
      say(fill(box.getAttribute("data-geolocation-failed"), {reason: error.message || error.code}), true);
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 0});
  }

  function start(theMap, theField) {
    map = theMap;
    field = theField;
    var existing = currentPin();
    if (existing) {
      watch(existing);
      var at = existing.getLatLng();
      if (latInput && lonInput && latInput.value.trim() === "" && lonInput.value.trim() === "") {
        latInput.value = format(at.lat);
        lonInput.value = format(at.lng);
      }
    } else {
      starting = true;
      fromFields(); // coordinates typed before the map was ready, or sent back with an error
      starting = false;
    }
    map.on("click", function (event) {
      if (drawing()) { return; }
      placePin(event.latlng.lat, event.latlng.lng, false);
    });
    // The pin tool, its edit and delete buttons keep the fields in step too.
    map.on("draw:created draw:edited", function () {
      var marker = currentPin();
      if (!marker) { return; }
      watch(marker);
      var where = marker.getLatLng();
      checkPlace(where.lat, where.lng);
      writeFields(where.lat, where.lng);
    });
    map.on("draw:deleted", function () {
      if (currentPin()) { return; }
      if (latInput) { latInput.value = ""; }
      if (lonInput) { lonInput.value = ""; }
      say("");
    });
    [latInput, lonInput].forEach(function (input) {
      if (input) { input.addEventListener("input", fromFields); input.addEventListener("change", fromFields); }
    });
    if (locateButton) { locateButton.addEventListener("click", locate); }
    box.locationMap = map; // for other scripts (and tests): the map this widget drives
    box.setAttribute("data-ready", "true");
  }

  window.addEventListener("map:init", function (event) {
    var theMap = event.detail.map;
    theMap.on("map:loadfield", function (loaded) {
      if (loaded.fieldid === "id_location") { start(theMap, loaded.field); }
    });
  });
})();
