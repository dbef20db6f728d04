// map.js wires the parts of the map page (index.html) together. The parts
// (map-core.js and the files it names) share the namespace
// window.mapsiteParts; each installs its functions on one object, A, that
// holds the page's state:
//
//   A.records, A.byId, A.layerOrder …   the data (map-data.js)
//   A.needDetails, A.needTexts          the rest of it, loaded on demand
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
    // A large site's records come as vector tiles (map-tiles.js).
    var A = D.vector ? P.tiles.load(D) : P.data.load(D);
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
    P.areas.install(A);
    P.panel.install(A);
    P.state.install(A);
    if (D.vector) {
      P.tiles.install(A);
      P.search.install(A);
    }
    A.filters = A.readFilters();
    A.filtered = A.records;
    // The map takes what the header, the timeline and (on phones) the
    // panel leave; it follows when they change size.
    // It keeps its centre, so that the records stay in sight above an
    // opened sheet.
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize({ animate: false }); }).observe(mapEl);

    map.on("moveend", function () {
      if (A.applying || A.flying) return;
      A.draw();
      A.writeHashLater();
    });

    A.applyHash(true);
    // The select filters' options and the timeline under the map are made
    // once the first markers are on screen, in the task after that frame
    // (60-80 ms at 10,000 records that the markers no longer wait for);
    // the page is then ready.
    P.afterPaint(function () {
      A.fillSelects();
      P.timeline.install(A);
      mapEl.setAttribute("data-ready", "true");
      if (window.performance && performance.mark) performance.mark("mapsite-ready");
      ready(A);
      // Then, in the task after the next frame, the room for popups, and
      // the work of idle time.
      P.afterPaint(function () {
        A.measurePopupRoom();
        idleWork(A);
      });
    });
  }

  // idleWork asks for the work of idle time: on a small site (up to four
  // chunks of summaries, 16,384 records), loading the summaries into the
  // search text, so that its first search is as quick as the next. A
  // larger one's (43 MB at 100,000 records) load when the reader goes to
  // the search box, and arrive while the query is typed.
  function idleWork(A) {
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 1500); };
    var load = function () {
      A.needTexts(function (ok) { if (ok) idle(A.searchText, { timeout: 5000 }); });
    };
    if (A.textFiles <= 4) {
      idle(load, { timeout: 5000 });
      return;
    }
    var q = document.getElementById("q");
    if (!q) return;
    var soon = function () {
      q.removeEventListener("focus", soon);
      load();
    };
    q.addEventListener("focus", soon);
    if (document.activeElement === q) soon();
  }

  // ready does what waits for the page to be drawn: the keyboard's place
  // when the reader comes back, and window.mapsite.
  function ready(A) {
    var map = A.map;
    // Back from a record page: the URL has restored the view and the
    // record; the keyboard goes on from the list entry the reader left.
    var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (nav && nav.type === "back_forward") A.focusEntry();
    window.addEventListener("pageshow", function (e) { if (e.persisted) A.focusEntry(); });

    // A small read-only handle for tests and for readers' own scripts.
    window.mapsite = {
      map: map,
      drawn: function () { var d = A.drawn; return { clusters: d.clusters, points: d.points, areas: d.areas, byLayer: JSON.parse(JSON.stringify(d.byLayer)) }; },
      // markerOf returns where the point, cluster or area badge that holds a record is drawn.
      markerOf: A.markerOf,
      // clusterOf returns the ids of the records drawn with record id in one cluster.
      clusterOf: function (id) {
        var items = A.drawn.items;
        for (var i = 0; i < items.length; i++) {
          if (items[i].cluster == null) continue;
          var ids = A.leavesOf(items[i].cluster).map(function (r) { return r.id; });
          if (ids.indexOf(id) >= 0) return ids;
        }
        return null;
      },
      // timeline returns the timeline's periods and counts.
      timeline: function () {
        var T = A.timeline;
        return T ? { unit: T.unit, bins: T.bins.map(function (b) { return { start: P.timeline.isoOf(b.start), end: P.timeline.isoOf(b.end), total: b.total }; }) } : null;
      },
      // links returns how many links between records are drawn.
      links: function () { return A.linksDrawn || 0; },
      // textsLoaded says whether the summaries (for search) are in.
      textsLoaded: function () { return A.textsLoaded(); },
      // highlighted returns the id whose marker the list highlights.
      highlighted: function () { return A.highlighted || null; },
      // symbolColors returns, per layer and precision, the colours a
      // symbol is drawn with: its outer edge meets the map.
      symbolColors: function () {
        var out = [];
        A.layerList.forEach(function (l) {
          ["venue", "city"].forEach(function (kind) {
            var o = P.draw.markerOptions(l, kind, null);
            out.push({ layer: l.key, kind: kind, edge: o.edge, stroke: o.color, fill: o.fillColor });
          });
        });
        out.push({ layer: "*", kind: "cluster", edge: P.draw.EDGE });
        return out;
      },
      landColor: function () { return getComputedStyle(document.documentElement).getPropertyValue("--land").trim(); },
      isArea: function (id) { return !!(A.byId[id] && A.byId[id].area); },
      visible: function () { return A.filtered.map(function (r) { return r.id; }); },
      open: function (id) { A.openRecord(id, { push: true, fly: false }); }
    };
  }

  function start() {
    var L = window.L;
    if (!L) return;
    var mapEl = document.getElementById("map");
    if (mapEl && window.MAPSITE_DATA && window.Supercluster) initMap(L, window.MAPSITE_DATA);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(window.mapsiteParts = window.mapsiteParts || {});
