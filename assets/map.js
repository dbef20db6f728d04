// map.js wires the parts of the map page (index.html) together, and draws
// the locator on record pages. The parts (map-core.js and the files it
// names) share the namespace window.mapsiteParts; each installs its
// functions on one object, A, that holds the page's state:
//
//   A.records, A.byId, A.layerOrder …   the data (map-data.js)
//   A.filters, A.filtered               what the filters keep (map-panel.js)
//   A.selected, A.popup                 the open record (map-popup.js)
//   A.draw, A.drawList, A.openRecord …  what the parts call on each other
//
// The data arrive by script tag (window.MAPSITE_DATA, window.MAPSITE_BASEMAP)
// so that the site works from file://.
(function (P) {
  "use strict";

  function initMap(L, D) {
    var mapEl = document.getElementById("map");
    var A = P.data.load(D);
    A.L = L;
    A.D = D;
    A.phone = window.matchMedia("(max-width: 700px)");
    A.tiles = D.tiles || [];
    A.maxZoom = P.MAX_ZOOM;
    A.tiles.forEach(function (t) { if (t.max_zoom) A.maxZoom = Math.max(A.maxZoom, t.max_zoom); });
    var map = A.map = L.map(mapEl, { minZoom: 2, maxZoom: A.maxZoom, worldCopyJump: true, zoomSnap: 1,
      fadeAnimation: !P.reducedMotion, zoomAnimation: !P.reducedMotion, markerZoomAnimation: !P.reducedMotion,
      maxBounds: [[-88, -240], [88, 240]], attributionControl: false });
    L.control.attribution({ prefix: '<a href="https://leafletjs.com" rel="noopener noreferrer">Leaflet</a>' }).addTo(map);
    P.basemap.install(A);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    P.draw.install(A);
    P.popup.install(A);
    P.panel.install(A);
    P.state.install(A);
    A.filters = A.readFilters();
    A.filtered = A.records;

    map.on("moveend", function () {
      if (A.applying || A.flying) return;
      A.draw();
      A.writeHash(false);
    });

    A.applyHash(true);
    mapEl.setAttribute("data-ready", "true");
    if (window.performance && performance.mark) performance.mark("mapsite-ready");

    // A small read-only handle for tests and for readers' own scripts.
    window.mapsite = {
      map: map,
      drawn: function () { var d = A.drawn; return { clusters: d.clusters, points: d.points, byLayer: JSON.parse(JSON.stringify(d.byLayer)) }; },
      // markerOf returns where the point or cluster that holds a record is drawn.
      markerOf: function (id) {
        for (var i = 0; i < A.drawn.items.length; i++) {
          var it = A.drawn.items[i];
          if (it.id === id) return it.ll;
          if (it.cluster != null && A.leavesOf(it.cluster).some(function (r) { return r.id === id; })) return it.ll;
        }
        return null;
      },
      visible: function () { return A.filtered.map(function (r) { return r.id; }); },
      open: function (id) { A.openRecord(id, { push: true, fly: false }); }
    };
  }

  // initLocator draws the record page's small map: the outlines, the
  // record's symbol and a ring around it.
  function initLocator(L, box) {
    P.draw.defineLeafletParts(L);
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon), prec = box.dataset.precision;
    if (!isFinite(lat) || !isFinite(lon)) return;
    var map = L.map(box, { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false, zoomSnap: 0.5 });
    L.control.attribution({ prefix: false }).addTo(map);
    map.setView([lat, lon], prec === "country" ? 3.5 : 4.5, { animate: false });
    var r = L.canvas({ padding: 0.2 });
    var base = P.basemap.outlines(L, r);
    if (base) base.addTo(map);
    var layer = { symbol: box.dataset.symbol || "circle", color: box.dataset.color || "#555" };
    L.circleMarker([lat, lon], { renderer: r, radius: 11, weight: 2, color: "#1b1b1b", fill: false, interactive: false }).addTo(map);
    var o = P.draw.markerOptions(layer, prec, r);
    o.interactive = false;
    new L.SymbolMarker([lat, lon], o).addTo(map);
  }

  function start() {
    var L = window.L;
    if (!L) return;
    var mapEl = document.getElementById("map");
    if (mapEl && window.MAPSITE_DATA && window.Supercluster) initMap(L, window.MAPSITE_DATA);
    var loc = document.getElementById("locator");
    if (loc) initLocator(L, loc);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(window.mapsiteParts = window.mapsiteParts || {});
