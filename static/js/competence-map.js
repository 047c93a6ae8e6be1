// The map view of the competence map, progressive enhancement only. The page carries the data as JSON
// (json_script, no inline script) and lists the same in a table, so it is complete without this file.
// One marker per municipality with the number of competence holders; its popup links their profiles.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function popupContent(m) {
    var box = el("div", "map-popup");
    box.appendChild(el("p")).appendChild(el("strong", "", m.label));
    var list = box.appendChild(el("ul"));
    m.profiles.forEach(function (p) {
      var link = list.appendChild(el("li")).appendChild(el("a", "", p.name));
      link.href = p.url;
    });
    if (m.more) {
      box.appendChild(el("p")).appendChild(el("a", "", m.more.text)).href = m.more.url;
    }
    return box;
  }

  function markerIcon(m) {
    var html = el("span");
    html.appendChild(el("span", "map-count", String(m.count))).setAttribute("aria-hidden", "true");
    html.appendChild(el("span", "map-name", m.name)).setAttribute("aria-hidden", "true");
    return L.divIcon({ className: "map-marker", html: html, iconSize: null });
  }

  function setUp() {
    var source = document.getElementById("competence-map-data");
    var figure = document.getElementById("competence-map-figure");
    if (!source || !figure || !window.L) {
      return;
    }
    var data = JSON.parse(source.textContent);
    figure.hidden = false;
    var map = L.map("competence-map", { zoomControl: false, attributionControl: false, scrollWheelZoom: false });
    L.control.zoom({ zoomInTitle: data.text.zoomIn, zoomOutTitle: data.text.zoomOut }).addTo(map);
    if (data.tiles) {
      L.tileLayer(data.tiles.url, { maxZoom: 18 }).addTo(map);
      if (data.tiles.attribution) {
        L.control.attribution({ prefix: false }).addAttribution(escapeHtml(data.tiles.attribution)).addTo(map);
      }
    }
    map.fitBounds(data.bounds, { padding: [32, 32] });
    data.markers.forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { icon: markerIcon(m), title: m.label, riseOnHover: true });
      marker.bindPopup(popupContent(m)).addTo(map);
      marker.getElement().setAttribute("aria-label", m.label);
    });
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", data.text.close);
        close.title = data.text.close;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
