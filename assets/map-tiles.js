// map-tiles.js draws a large site's records from vector tiles: one PMTiles
// archive (build/maptiles.go, package tiles) that the map reads by HTTP
// range requests, the tiles in view only, with protomaps-leaflet's
// PmtilesSource (the npm packages pmtiles and protomaps-leaflet).
//
// data.js then holds no record, only a summary: the records grouped by
// layer, attribution, country and month (or year) with their counts, from
// which the panel counts what the filters keep and the timeline draws its
// bars.
//
//   - Below the archive's point zoom, its tiles hold clusters made at
//     build time on a grid, per zoom, never across countries; each carries
//     its count per layer, attribution and year of start, so that a
//     cluster shows what the layer, attribution, country and date filters
//     keep of it. The dates count to
//     the year there: a record counts when the year it starts in is in
//     the window's years.
//   - From the point zoom on, the tiles hold every record (its id, title,
//     layer, attribution, dates, country, place and precision): the filters are exact,
//     the records in view are listed and clustered in the page (with
//     supercluster, as on a small site), and a click opens the record,
//     whose details come from the same chunk scripts as a small site's.
//   - A perpetrator or tag chosen loads its facet chunk (the number,
//     place, layer, attribution, country and dates of each of its
//     records: build/maptiles_facets.go); the counts, the timeline and the
//     clusters then come from those records, and the tiles' points and
//     the search keep those only. The links between records come from a
//     chunk of their own, in the same form.
//   - Where the tiles cannot be read (opened from disk, or from a host
//     that does not answer byte ranges), the map draws the records by
//     country from the summary: each country's count of what the filters
//     keep, per layer, at the point that holds most of its records
//     (country_at). A country's badge chooses that country.
//
// The other map scripts see the records through the same A as on a small
// site (map-data.js): A.records and A.byId hold the records loaded so
// far, A.filtered those in view that the filters keep, and A.index
// answers supercluster's questions for the clusters of the tiles too.
(function (P) {
  "use strict";

  var UNKNOWN_LAYER = { key: "", name: "", color: "#555", symbol: "circle", index: 0 };
  var EXTENT = 4096; // the tiles' coordinates, 0 to EXTENT across
  var MAX_TILES = 256; // decoded tiles kept in memory
  var here = document.currentScript && document.currentScript.src;
  function assetURL(name) { return here ? new URL(name, here).href : "assets/" + name; }

  // load reads data.js's summary, as map-data.js's load reads the records
  // of a small site.
  function load(D) {
    var V = D.vector, S = V.summary;
    var layers = {}, layerOrder = [], attributionLabel = {}, attributionKey = [""];
    D.layers.forEach(function (l, i) { layers[l.key] = l; l.index = i; layerOrder.push(l.key); });
    (D.attributions || []).forEach(function (a) { attributionLabel[a.key] = a.label; attributionKey.push(a.key); });
    var countryName = {}, countryAt = {}, at = S.country_at || [];
    S.country.values.forEach(function (cc, i) {
      countryName[cc] = S.country_name[i];
      if (at.length >= 6 * i + 6) countryAt[cc] = at.slice(6 * i, 6 * i + 6); // lon, lat, west, south, east, north
    });

    // The summary's groups, shaped as records for the timeline and the
    // counts: a layer, a span, a country, an attribution, and n records.
    // Its days are numbers (build/maptiles.go, appendSummary): a group's
    // first day counts from the one before's, its last from its first.
    var groups = new Array(S.n.length), countries = {}, attributions = {}, span = { min: "", max: "" };
    var day = 0, dates = {};
    var isoDay = function (d) {
      return dates[d] || (dates[d] = new Date(d * 864e5).toISOString().slice(0, 10));
    };
    for (var i = 0; i < S.n.length; i++) {
      var cc = S.country.values[S.country.refs[i]], ak = attributionKey[S.attribution[i]] || "";
      day += S.start[i];
      var g = groups[i] = { id: "g" + i, layer: D.layers[S.layer[i]] || UNKNOWN_LAYER, start: isoDay(day), end: isoDay(day + S.end[i]),
        exact: !!S.exact[i], n: S.n[i], p: { country: cc, attribution: ak } };
      var c = countries[cc] || (countries[cc] = { name: countryName[cc] || cc, n: 0 });
      c.n += g.n;
      if (ak) (attributions[ak] || (attributions[ak] = { name: attributionLabel[ak] || ak, n: 0 })).n += g.n;
      if (!span.min || g.start < span.min) span.min = g.start;
      if (!span.max || g.end > span.max) span.max = g.end;
    }

    var byId = {};
    // recordOf returns the record of a point feature of the tiles (its
    // properties and where it is), made once.
    function recordOf(props, lon, lat) {
      var r = byId[props.id];
      if (r && !r.light) return r;
      var layer = D.layers[props.l] || UNKNOWN_LAYER;
      var start = props.s, end = props.e || props.s;
      var p = { title: props.t, layer: layer.key, date_text: props.dt, date_start: start, date_end: end,
        precision: props.pr, url: "incidents/" + props.id + "/", country: props.cc, country_name: countryName[props.cc] };
      if (props.pl) p.place = props.pl;
      if (attributionKey[props.at]) {
        p.attribution = attributionKey[props.at];
        p.attribution_label = attributionLabel[p.attribution];
      }
      if (r) {
        // A record a facet chunk made (lightOf) gets what the tiles hold.
        if (!r.f) r.p = p;
        r.light = false;
        return r;
      }
      r = byId[props.id] = { id: props.id, k: props.k, f: null, p: p, layer: layer, lon: lon, lat: lat,
        start: start, end: end, text: "" };
      return r;
    }
    // lightOf returns the record of an entry of a facet chunk (see
    // install): as the tiles' records, but with no title or place until
    // its details are loaded (r.light).
    function lightOf(e) {
      var r = byId[e.id];
      if (r) return r;
      var p = { layer: e.layer.key, date_start: e.start, date_end: e.end, precision: e.precision, url: "incidents/" + e.id + "/",
        country: e.p.country, country_name: countryName[e.p.country] };
      if (e.p.attribution) {
        p.attribution = e.p.attribution;
        p.attribution_label = attributionLabel[p.attribution];
      }
      return (byId[e.id] = { id: e.id, k: e.k, f: null, p: p, layer: e.layer, lon: e.lon, lat: e.lat, start: e.start, end: e.end,
        text: "", light: true });
    }
    // recordOfFeature returns the record of a GeoJSON feature of a detail
    // chunk (a record opened by a link before its tile is loaded).
    function recordOfFeature(f, k) {
      var r = byId[f.id];
      if (r) return r;
      var p = f.properties, layer = layers[p.layer] || UNKNOWN_LAYER;
      r = byId[f.id] = { id: f.id, k: k, f: f, p: p, layer: layer, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
        start: p.date_start, end: p.date_end || p.date_start, text: "" };
      return r;
    }

    // detail calls done(feature) with the feature of record number k, or
    // done(null) when its chunk failed to load.
    function detail(k, done) {
      var c = Math.floor(k / D.details.size);
      P.data.loadScript(D.details.files[c], "d" + c, function (items) { done(items ? items[k - c * D.details.size] : null); });
    }

    // needDetails calls done(true) once every record of list has its
    // whole feature (r.f, and r.p its properties); done(false) when a
    // chunk failed to load.
    function needDetails(list, done) {
      var want = list.filter(function (r) { return !r.f; }), left = want.length, ok = true;
      if (!left) { done(true); return; }
      want.forEach(function (r) {
        detail(r.k, function (f) {
          if (f && !r.f) { r.f = f; r.p = f.properties; }
          if (!f) ok = false;
          if (--left === 0) done(ok);
        });
      });
    }

    // findRecord calls done(r) with the record of an id, looking the id up
    // in the id chunks and loading its details, or done(null).
    function findRecord(id, done) {
      if (byId[id]) { done(byId[id]); return; }
      var first = D.ids.first, lo = 0, hi = first.length - 1;
      if (!first.length || id < first[0]) { done(null); return; }
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (first[mid] <= id) lo = mid; else hi = mid - 1;
      }
      P.data.loadScript(D.ids.files[lo], "i" + lo, function (items) {
        var k = -1;
        for (var j = 0; items && j < items.length; j += 2) if (items[j] === id) { k = items[j + 1]; break; }
        if (k < 0) { done(null); return; }
        detail(k, function (f) { done(f ? recordOfFeature(f, k) : null); });
      });
    }

    // The perpetrator and tag filters' values, each with its count and
    // its facet chunk (build/maptiles_facets.go).
    var facetValues = { perpetrator: {}, tag: {} }, F = V.facets || {};
    Object.keys(facetValues).forEach(function (field) {
      var fc = F[field];
      if (fc) fc.values.forEach(function (v, i) { facetValues[field][v] = { name: v, n: fc.n[i], file: fc.files[i], key: field.charAt(0) + i }; });
    });

    return { layers: layers, layerOrder: layerOrder, layerList: D.layers, records: [], byId: byId, span: span,
      countries: countries, perpetrators: facetValues.perpetrator, tags: facetValues.tag, attributions: attributions, links: [],
      isoDay: isoDay, needDetails: needDetails,
      needTexts: function (done) { done(false); }, searchText: function () {}, textsLoaded: function () { return false; },
      textFiles: 0, summaryRecords: groups, countryAt: countryAt, attributionKey: attributionKey, recordOf: recordOf, lightOf: lightOf,
      findRecord: findRecord, vector: V };
  }

  // parseHist reads a cluster's counts per layer, attribution and year,
  // "layer:year=n,year=n;layer/attribution:year=n;…" (no "/attribution"
  // for records with none), as a flat array [layer, year, n, attribution,
  // …], attribution 0 for none.
  function parseHist(h) {
    var out = [];
    String(h || "").split(";").forEach(function (part) {
      var c = part.indexOf(":");
      if (c < 0) return;
      var head = part.slice(0, c).split("/"), layer = +head[0], attribution = +(head[1] || 0);
      part.slice(c + 1).split(",").forEach(function (yn) {
        var e = yn.indexOf("=");
        out.push(layer, +yn.slice(0, e), +yn.slice(e + 1), attribution);
      });
    });
    return out;
  }

  // lonLatOf returns where a point of tile z/x/y lies (tile coordinates
  // gx, gy from 0 to EXTENT).
  function lonLatOf(z, x, y, gx, gy) {
    var n = Math.pow(2, z);
    var lon = (x + gx / EXTENT) / n * 360 - 180;
    var my = Math.PI * (1 - 2 * (y + gy / EXTENT) / n);
    return [lon, Math.atan(Math.sinh(my)) * 180 / Math.PI];
  }

  // rangeProblem calls done(null) when the host answers range requests
  // for the archive, else done(why not).
  function rangeProblem(url, done) {
    if (location.protocol === "file:" || !window.fetch) {
      done("opened from disk, the map cannot read the tiles, which need the site served over http(s)");
      return;
    }
    // A host that sends the whole archive instead is cut off.
    var stop = window.AbortController ? new AbortController() : null;
    fetch(url, { headers: { Range: "bytes=0-126" }, signal: stop && stop.signal }).then(function (res) {
      if (res.status !== 206) {
        if (stop) stop.abort();
        throw new Error(res.status === 200 ? "the host does not answer byte-range requests, which they need" : "HTTP " + res.status);
      }
      return res.arrayBuffer();
    }).then(function (buf) {
      var b = new Uint8Array(buf);
      if (b.length < 8 || String.fromCharCode.apply(null, b.subarray(0, 7)) !== "PMTiles") throw new Error("the archive is not a PMTiles archive");
      done(null);
    }).catch(function (err) { done(err.message || String(err)); });
  }

  // install makes the map page A draw from the tiles: it replaces
  // A.rebuildIndex, A.applyFilters, A.drawList and A.applyHash with their
  // large-site forms, and loads the tiles in view as the map moves.
  function install(A) {
    var L = A.L, map = A.map, D = A.D, V = A.vector;
    var PZ = V.point_zoom, MINZ = V.min_zoom;
    var url = assetURL(V.archive);
    var source = null, failed = null;
    var tiles = {}; // "z/x/y" -> { items: [...] } once loaded, { loading: true } before
    var tileCount = 0;
    var form = document.getElementById("filters");
    var statusEl = document.getElementById("panel-status");
    var noteEl = document.getElementById("list-note");
    var countEl = document.getElementById("visible-count");

    // The links between records come from a chunk of their own
    // (see loadLinks); a site without links has no box for them.
    // Search reads an index of its own (map-search.js).
    var linkFile = V.facets && V.facets.links && V.facets.links.file;
    if (!linkFile) {
      var input = form.elements.links;
      var box = input && (input.closest(".field") || input.closest("label"));
      if (box) box.style.display = "none";
    }
    // The downloads are the whole data set's files (their links' own
    // targets): the page does not hold the filtered records to make them.
    var downloadLabel = document.getElementById("download-label");
    if (downloadLabel) downloadLabel.textContent = "Download every record:";
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("#download-csv, #download-geojson");
      if (a) e.stopPropagation();
    }, true);

    function zoomOfTiles() { return Math.max(MINZ, Math.min(PZ, Math.round(map.getZoom()))); }
    function atPoints() { return Math.round(map.getZoom()) >= PZ; }

    // wanted returns the keys of the tiles that cover the view at zoom tz.
    function wanted(tz) {
      var b = map.getBounds().pad(0.1), n = Math.pow(2, tz);
      var nw = map.project(L.latLng(Math.min(85.05, b.getNorth()), Math.max(-180, b.getWest())), tz).divideBy(256);
      var se = map.project(L.latLng(Math.max(-85.05, b.getSouth()), Math.min(180, b.getEast())), tz).divideBy(256);
      var keys = [];
      for (var y = Math.max(0, Math.floor(nw.y)); y <= Math.min(n - 1, Math.floor(se.y)); y++) {
        for (var x = Math.max(0, Math.floor(nw.x)); x <= Math.min(n - 1, Math.floor(se.x)); x++) keys.push(tz + "/" + x + "/" + y);
      }
      return keys;
    }

    // request loads the tiles of keys that are not loaded yet.
    var redraw = 0;
    function request(keys) {
      if (!source) return;
      keys.forEach(function (key) {
        if (tiles[key]) return;
        var t = tiles[key] = { loading: true, items: [] };
        var c = key.split("/").map(Number);
        source.get({ z: c[0], x: c[1], y: c[2] }, EXTENT).then(function (layersOf) {
          t.items = (layersOf.get("records") || []).map(function (f) {
            var g = f.geom[0][0], ll = lonLatOf(c[0], c[1], c[2], g.x, g.y), props = f.props;
            if (props.n != null) return { cluster: true, lon: ll[0], lat: ll[1], props: props, hist: parseHist(props.h) };
            return { record: A.recordOf(props, ll[0], ll[1]) };
          });
          t.loading = false;
          tileCount++;
          scheduleRedraw();
        }).catch(function () {
          t.loading = false;
          t.failed = true;
          scheduleRedraw();
        });
      });
    }
    function scheduleRedraw() {
      if (redraw) return;
      redraw = requestAnimationFrame(function () {
        redraw = 0;
        A.rebuildIndex();
        A.draw();
      });
    }

    // ---- The perpetrator and tag filters ----
    // The tiles and the summary know neither. A value chosen loads its
    // facet chunk: the number, place, layer, attribution, country and
    // dates of each of its records. While one is chosen, the panel's
    // counts, the timeline and, below the point zoom, the clusters come
    // from those records (exact, to the day); from the point zoom on, the
    // tiles' points are kept when their number is among them; the search
    // keeps those only.
    var facets = {}; // field + "=" + value -> { recs, has } once loaded; { loading } or { failed } before
    var FACET_VALUES = 10; // per record in a facet chunk (build/maptiles_facets.go)
    function loadFacet(field, value, done) {
      var id = field + "=" + value, v = (field === "tag" ? A.tags : A.perpetrators)[value];
      if (facets[id]) return;
      if (!v) { facets[id] = { failed: true }; done(); return; }
      facets[id] = { loading: true };
      P.data.loadScript(v.file, v.key, function (items) {
        if (!items) { facets[id] = { failed: true }; done(); return; }
        var recs = readEntries(items, 0, items.length / FACET_VALUES);
        facets[id] = { recs: recs, has: new Set(recs.map(function (r) { return r.k; })) };
        done();
      });
    }
    // readEntries reads n records of a facet chunk's form from items[at]
    // on: shaped as the summary's groups (a layer, a span, a country and
    // an attribution, n = 1), with their number, place, id and precision.
    function readEntries(items, at, n) {
      var recs = new Array(n), k = 0, names = V.facets.precisions;
      for (var i = 0, j = at; i < n; i++, j += FACET_VALUES) {
        k += items[j];
        var first = items[j + 6];
        recs[i] = { k: k, lon: items[j + 1] / 1e5, lat: items[j + 2] / 1e5, layer: A.layerList[items[j + 3]] || UNKNOWN_LAYER,
          start: A.isoDay(first), end: A.isoDay(first + items[j + 7]), exact: items[j + 7] === 0, n: 1,
          p: { country: items[j + 5], attribution: A.attributionKey[items[j + 4]] || "" }, id: items[j + 8], precision: names[items[j + 9]] };
      }
      return recs;
    }

    // ---- Links ----
    // The links chunk holds the records at either end of a link (as a
    // facet chunk does) and each link as the places of its two records
    // there. It loads with the first filter step that shows links; a link
    // is drawn when its two records pass the filters (A.keptLinks, for
    // map-draw.js's A.drawLinks).
    var links = null, linksLoading = false, keptLinks = { f: null, fc: null, lines: [] };
    function loadLinks() {
      if (!linkFile || links || linksLoading) return;
      linksLoading = true;
      P.data.loadScript(linkFile, "l", function (items) {
        if (!items) return;
        var n = items[0], ends = readEntries(items, 1, n), pairs = [];
        for (var j = 1 + n * FACET_VALUES; j + 1 < items.length; j += 2) pairs.push(ends[items[j]], ends[items[j + 1]]);
        links = pairs;
        A.drawLinks();
      });
    }
    A.keptLinks = function () {
      var f = A.filters, fc = facetOf(f);
      if (!f.links) return [];
      if (!links) { loadLinks(); return []; }
      if (keptLinks.f === f && keptLinks.fc === (fc && fc.recs) && keptLinks.links === links) return keptLinks.lines;
      var lines = [], ok = new Map();
      var keeps = function (r) {
        var v = ok.get(r);
        if (v === undefined) ok.set(r, (v = A.keeps(r, f)));
        return v;
      };
      for (var i = 0; i + 1 < links.length; i += 2) {
        var a = links[i], b = links[i + 1];
        if (keeps(a) && keeps(b)) lines.push([[a.lat, a.lon], [b.lat, b.lon]]);
      }
      keptLinks = { f: f, fc: fc && fc.recs, links: links, lines: lines };
      return lines;
    };
    // facetOf returns what filters f choose among perpetrators and tags:
    // null for none; else { ready, recs, has } (the records of both when
    // both are chosen), or { wants, failed } while not ready.
    var both = null;
    function facetOf(f) {
      var wants = [];
      if (f.perpetrator) wants.push(["perpetrator", f.perpetrator]);
      if (f.tag) wants.push(["tag", f.tag]);
      if (!wants.length) return null;
      var parts = wants.map(function (w) { return facets[w[0] + "=" + w[1]]; });
      if (parts.some(function (p) { return !p || !p.recs; })) {
        return { wants: wants, failed: parts.some(function (p) { return p && p.failed; }) };
      }
      if (parts.length === 1) return { ready: true, recs: parts[0].recs, has: parts[0].has };
      if (!both || both.a !== parts[0] || both.b !== parts[1]) {
        var recs = parts[0].recs.filter(function (r) { return parts[1].has.has(r.k); });
        both = { a: parts[0], b: parts[1], ready: true, recs: recs, has: new Set(recs.map(function (r) { return r.k; })) };
      }
      return both;
    }
    // plain returns filters f without the perpetrator and the tag, for
    // P.data.matches on what does not hold them (the summary, the tiles'
    // points, the search's cards).
    var plainOf = null, plainF = null;
    function plain(f) {
      if (f !== plainOf) { plainOf = f; plainF = Object.assign({}, f, { perpetrator: "", tag: "" }); }
      return plainF;
    }
    // A.keeps is P.data.matches for a record of number r.k, as the
    // facets tell its perpetrator and tags.
    A.keeps = function (r, f, ignoreLayer, ignoreDates) {
      if (!P.data.matches(r, plain(f), ignoreLayer, ignoreDates)) return false;
      var fc = facetOf(f);
      return !fc || (!!fc.ready && fc.has.has(r.k));
    };
    // A.countable returns what the counts and the timeline count: the
    // summary's groups, or the records of the perpetrator and tag chosen.
    A.countable = function () {
      var fc = facetOf(A.filters || {});
      return !fc ? groups : fc.ready ? fc.recs : [];
    };
    // facetIndex is the clustering of the chosen records the other
    // filters keep (kept; as records, lights), made again only when the
    // filters change. A record on its own is drawn as a point, whose
    // popup loads its details (A.openRecord below).
    var facetIndex = { key: null, sc: null, kept: [], lights: [] };
    function indexFacet(fc, f) {
      var key = JSON.stringify([f.layers, f.from, f.to, f.country, f.attribution, f.perpetrator, f.tag]);
      if (facetIndex.key === key && facetIndex.recs === fc.recs) return facetIndex;
      var pf = plain(f), kept = [], lights = [], feats = [];
      fc.recs.forEach(function (e) {
        if (!P.data.matches(e, pf)) return;
        feats.push({ type: "Feature", geometry: { type: "Point", coordinates: [e.lon, e.lat] }, properties: { i: kept.length, li: e.layer.index } });
        kept.push(e);
        lights.push(A.lightOf(e));
      });
      var sc = newIndex();
      sc.load(feats);
      facetIndex = { key: key, recs: fc.recs, sc: sc, kept: kept, lights: lights };
      return facetIndex;
    }
    var openRecord = A.openRecord;
    A.openRecord = function (id, opt) {
      var r = A.byId[id];
      if (!r || !r.light) { openRecord(id, opt); return; }
      A.needDetails([r], function (ok) { if (ok) { r.light = false; openRecord(id, opt); } });
    };

    // clusterCount returns what the filters keep of a cluster of the
    // tiles: its count per layer (parts) and total, or null for none.
    function clusterCount(it, f) {
      if (f.country && it.props.cc !== f.country) return null;
      var from = f.from ? +f.from.slice(0, 4) : -Infinity, to = f.to ? +f.to.slice(0, 4) : Infinity;
      var per = {}, total = 0, h = it.hist;
      for (var i = 0; i < h.length; i += 4) {
        var layer = A.layerList[h[i]];
        if (!layer || !f.layers[layer.key] || h[i + 1] < from || h[i + 1] > to) continue;
        if (f.attribution && A.attributionKey[h[i + 3]] !== f.attribution) continue;
        per[h[i]] = (per[h[i]] || 0) + h[i + 2];
        total += h[i + 2];
      }
      return total ? { per: per, total: total } : null;
    }

    // A.index answers the questions map-draw.js asks supercluster. What
    // it clusters, in the page, are the records in view and, below the
    // point zoom, the clusters of the tiles that the filters keep
    // something of, weighted by what they keep: the tiles' clusters are
    // made per country, and would overlap where countries are small.
    var sc = null, tileClusters = {};
    A.index = {
      getClusters: function (bbox, z) {
        return sc.getClusters(bbox, z).map(function (c) {
          var p = c.properties;
          if (p.cluster) {
            var q = Object.assign({}, p, { point_count: p.w });
            return { type: "Feature", geometry: c.geometry, properties: q };
          }
          if (p.t) {
            // One cluster of the tiles on its own.
            tileClusters[p.t] = p.x;
            return { type: "Feature", geometry: c.geometry, properties: Object.assign({}, p, { cluster: true, cluster_id: p.t, point_count: p.w }) };
          }
          return c;
        });
      },
      // getClusterExpansionZoom is where a cluster falls apart: at least
      // one zoom in, at most the point zoom below it.
      getClusterExpansionZoom: function (id) {
        var z = Math.round(map.getZoom());
        if (tileClusters[id] != null) return Math.max(z + 1, tileClusters[id]);
        var e = sc.getClusterExpansionZoom(id);
        if (z >= PZ) return e;
        var x = Infinity;
        sc.getLeaves(id, Infinity).forEach(function (f) { if (f.properties.t) x = Math.min(x, f.properties.x); });
        return Math.min(PZ, Math.max(z + 1, Math.min(e, x)));
      },
      getLeaves: function (id, limit) {
        if (tileClusters[id] != null) return [];
        return sc.getLeaves(id, Infinity).filter(function (f) { return f.properties.i != null; }).slice(0, limit);
      }
    };
    var inViewTotal = 0;

    // A.rebuildIndex gathers what the loaded tiles hold in view and
    // passes the filters, for A.draw.
    A.rebuildIndex = function () {
      A.indexVersion = (A.indexVersion || 0) + 1;
      var f = A.filters, tz = zoomOfTiles(), keys = wanted(tz), points = atPoints();
      // At most MAX_TILES tiles are kept: the first out are those not in view.
      var held = Object.keys(tiles);
      if (held.length > MAX_TILES) {
        var now = {};
        keys.forEach(function (k) { now[k] = true; });
        held.forEach(function (k) { if (!now[k] && !tiles[k].loading) delete tiles[k]; });
      }
      request(keys);
      var records = [], feats = [], b = map.getBounds().pad(0.02);
      var inView = function (lat, lon) { return b.contains([lat, lon]) || b.contains([lat, lon + 360]) || b.contains([lat, lon - 360]); };
      tileClusters = {};
      inViewTotal = 0;
      var fc = facetOf(f);
      if (fc && fc.ready && !points && !failed) {
        // Below the point zoom, the chosen records are clustered in the
        // page; one on its own is a point (a light record, see lightOf).
        var fi = indexFacet(fc, f);
        fi.kept.forEach(function (r) { if (inView(r.lat, r.lon)) inViewTotal++; });
        fi.lights.forEach(function (r, i) { r.i = i; });
        A.records = fi.lights;
        A.filtered = [];
        sc = fi.sc;
        return;
      }
      keys.forEach(function (key) {
        var t = tiles[key];
        if (!t) return;
        t.items.forEach(function (it, j) {
          if (it.record) { records.push(it.record); return; }
          if (fc) return; // the clusters do not know the records' perpetrators and tags
          var c = clusterCount(it, f);
          if (!c) return;
          var props = { t: "t" + key + "/" + j, w: c.total, x: it.props.x };
          for (var li in c.per) props["c" + li] = c.per[li];
          feats.push({ type: "Feature", geometry: { type: "Point", coordinates: [it.lon, it.lat] }, properties: props });
          if (inView(it.lat, it.lon)) inViewTotal += c.total;
        });
      });
      if (failed) countryFeatures(f, feats, inView);
      // Newest first, as on a small site.
      records.sort(function (a, r) { return a.start < r.start ? 1 : a.start > r.start ? -1 : a.id < r.id ? -1 : a.id > r.id ? 1 : 0; });
      records.forEach(function (r, i) { r.i = i; });
      A.records = records;
      var shown = records.filter(function (r) { return A.keeps(r, f) && inView(r.lat, r.lon); });
      shown.forEach(function (r) {
        var props = { i: r.i, li: r.layer.index };
        feats.push({ type: "Feature", geometry: { type: "Point", coordinates: [r.lon, r.lat] }, properties: props });
      });
      if (fc && fc.ready && !failed) {
        // Counted from the chosen records: the tiles' stacks of more
        // records than they hold at one point (tiles.Options.StackCap)
        // are not drawn while a perpetrator or tag is chosen.
        inViewTotal = 0;
        indexFacet(fc, f).kept.forEach(function (r) { if (inView(r.lat, r.lon)) inViewTotal++; });
      } else inViewTotal += shown.length;
      // Below the point zoom, the records of one are drawn as points, and
      // counted in view, but not listed.
      A.filtered = points ? shown : [];
      sc = newIndex();
      sc.load(feats);
    };
    // newIndex returns a clustering of points and of weighted clusters
    // (property t), which counts per layer (properties c<layer>).
    function newIndex() {
      return new window.Supercluster({
        radius: P.draw.CLUSTER_RADIUS, maxZoom: A.maxZoom, minPoints: 2,
        map: function (p) {
          var o = { w: p.w || 1 };
          if (p.t) { for (var k in p) if (k.charAt(0) === "c") o[k] = p[k]; } else o["c" + p.li] = 1;
          return o;
        },
        reduce: function (acc, p) { for (var k in p) acc[k] = (acc[k] || 0) + p[k]; }
      });
    }
    // countryFeatures adds, for a map without the tiles, a badge per
    // country: what the filters keep of its records (by the summary, as
    // the panel counts), per layer, at its country_at point. The page's
    // clustering merges badges that would overlap, adding their counts.
    function countryFeatures(f, feats, inView) {
      var per = {}, pf = plain(f);
      A.countable().forEach(function (g) {
        if (!P.data.matches(g, pf)) return;
        var c = per[g.p.country] || (per[g.p.country] = { w: 0 });
        c["c" + g.layer.index] = (c["c" + g.layer.index] || 0) + g.n;
        c.w += g.n;
      });
      Object.keys(per).sort().forEach(function (cc) {
        var at = A.countryAt[cc];
        if (!at) return;
        var props = Object.assign({ t: "cc:" + cc, x: Infinity, label: A.countries[cc] ? A.countries[cc].name : cc }, per[cc]);
        feats.push({ type: "Feature", geometry: { type: "Point", coordinates: [at[0], at[1]] }, properties: props });
        if (inView(at[1], at[0])) inViewTotal += props.w;
      });
    }
    // chooseCountry sets the country filter to cc and fits the map to its
    // records: what a country's badge does.
    function chooseCountry(cc) {
      var select = form.elements.country, at = A.countryAt[cc];
      if (select && select.value !== cc) {
        select.value = cc;
        select.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (at) map.fitBounds([[at[3], at[2]], [at[5], at[4]]], { padding: [40, 40], maxZoom: 7, animate: !P.reducedMotion });
    }

    // The tiles in view are asked for before map.js draws the moved map.
    map.on("moveend", function () { if (!A.applying && !A.flying) A.rebuildIndex(); });

    // A.applyFilters counts what the filters keep from the summary (exact
    // for layers, attribution and country, to the summary's month or year
    // for the dates), and draws the tiles in view again.
    var groups = A.summaryRecords, total = 0;
    groups.forEach(function (g) { total += g.n; });
    var spanText = A.span.min ? P.monthYear(A.span.min) + " to " + P.monthYear(A.span.max) : "";
    A.applyFilters = function () {
      var f = A.filters = A.readFilters();
      f.words = []; // the records' words are not in the page: map-search.js searches
      if (window.performance && performance.mark) performance.mark("mapsite:filter");
      var fc = facetOf(f);
      if (fc && !fc.ready && !fc.failed) {
        // The chosen value's records first; then again.
        statusEl.textContent = "Loading the records of " + fc.wants.map(function (w) { return w[0] + " \u201c" + w[1] + "\u201d"; }).join(" and ") + "\u2026";
        fc.wants.forEach(function (w) {
          loadFacet(w[0], w[1], function () { if (facetOf(A.readFilters()) !== null) A.applyFilters(); });
        });
        return;
      }
      var counts = {}, n = 0, pf = plain(f);
      A.layerOrder.forEach(function (k) { counts[k] = 0; });
      A.countable().forEach(function (g) {
        if (!P.data.matches(g, pf, true)) return;
        counts[g.layer.key] += g.n;
        if (f.layers[g.layer.key]) n += g.n;
      });
      A.layerOrder.forEach(function (k) {
        var c = form.querySelector('[data-layer-count="' + k + '"]');
        if (c) {
          c.textContent = P.num(counts[k]);
          c.classList.toggle("zero", counts[k] === 0);
        }
      });
      A.shownTotal = n;
      A.rebuildIndex();
      A.draw();
      A.drawLinks();
      if (A.timeline) A.timeline.update();
      var text = (n === total ? "All " + P.num(total) + " records shown" : P.num(n) + " of " + P.num(total) + " records shown") +
        (spanText ? " · the data run from " + spanText + "." : ".");
      if (fc && fc.failed) text += " The records of the perpetrator or tag chosen could not be loaded.";
      else if ((f.from || f.to) && !fc) text += " The counts take the dates to the " + V.summary.unit + "; the clusters, to the year.";
      statusEl.textContent = text;
    };

    // A.drawList lists the records in view from the point zoom on; below
    // it, it says how many records are in view and to zoom in.
    var drawList = A.drawList;
    A.drawList = function (selectionOnly) {
      drawList.call(null, selectionOnly);
      var toggleCount = document.getElementById("panel-toggle-count");
      if (toggleCount) toggleCount.textContent = P.records(A.shownTotal || 0);
      if (atPoints() && !failed) return;
      countEl.textContent = P.num(inViewTotal);
      document.getElementById("visible-word").textContent = "records in view";
      noteEl.hidden = false;
      noteEl.textContent = failed ? failedText() : "Zoom in to list them: the records in view are listed from zoom " + PZ + " on.";
    };
    // A cluster that does not split before the last zoom lists its
    // records; where more than the tiles hold share one point (the tiles
    // keep the newest of them: tiles.Options.StackCap), it says so.
    var clusterClick = A.clusterClick;
    A.clusterClick = function (c, ll) {
      var id = c.properties.cluster_id, total = c.properties.point_count;
      if (typeof id === "string" && id.slice(0, 3) === "cc:") { chooseCountry(id.slice(3)); return; }
      if (A.index.getClusterExpansionZoom(id) <= A.maxZoom) { clusterClick(c, ll); return; }
      var leaves = A.leavesOf(id);
      A.openCluster(leaves, ll, leaves.length < total ? P.num(total) + " records at this place: the " + P.num(leaves.length) +
        " newest are listed here, and the table lists every record" : null);
    };
    A.fitFiltered = function () {
      var b = V.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [40, 40], maxZoom: 7, animate: !P.reducedMotion });
    };

    // A link to a record (#id=…) whose tile is not loaded finds it through
    // the id chunks, then opens it; a first view with none fits the data.
    var applyHash = A.applyHash;
    A.applyHash = function (initial) {
      var s = P.state.parse(location.hash);
      var hasView = isFinite(parseInt(s.z, 10)) && isFinite(parseFloat(s.lat)) && isFinite(parseFloat(s.lon));
      applyHash(initial);
      if (initial && !hasView && !s.id && !D.center) {
        var b = V.bounds;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: Math.max(D.zoom || 4, 5), animate: false });
      }
      if (s.id && !A.byId[s.id]) {
        A.findRecord(s.id, function (r) {
          if (!r || P.state.parse(location.hash).id !== s.id) return;
          A.openRecord(r.id, { push: false, fly: !initial && !hasView, keepView: hasView });
        });
      }
    };

    function failedText() {
      return "The records are stored as vector tiles, and " + failed + ". The map counts them by country; the table and the downloads hold every record.";
    }
    // Over http(s), the tiles are asked for at once, and the host's
    // answer to a range request checked beside them (a round trip less
    // before the first draw). The answer may come before the first view
    // is set (at once, from disk): the map draws once it has one.
    if (location.protocol !== "file:" && window.fetch) {
      source = new window.protomapsL.PmtilesSource(url, false);
      source.p.getHeader().catch(function () {}); // the header and root directory, while the page starts
    }
    map.whenReady(function () {
      if (!source) return;
      A.rebuildIndex();
      A.draw();
    });
    rangeProblem(url, function (why) {
      if (why) map.whenReady(function () { fail(why); });
    });
    function fail(why) {
      failed = why;
      source = null;
      tiles = {};
      var Note = L.Control.extend({
        options: { position: "topright" },
        onAdd: function () { return P.el("div", "outline-note tiles-note", "Records drawn by country: " + why + "."); }
      });
      new Note().addTo(map);
      A.applyFilters();
    }

    // A small read-only handle for tests and readers' own scripts: the
    // tiles loaded so far, and what is drawn, where on the map's box.
    window.mapsiteTiles = {
      loaded: function () { return tileCount; },
      failed: function () { return failed; },
      drawn: function () {
        return ((A.drawn && A.drawn.items) || []).map(function (it) {
          var pt = map.latLngToContainerPoint(it.ll);
          return { x: pt.x, y: pt.y, id: it.id || null, cluster: it.cluster != null ? it.cluster : null };
        });
      }
    };
  }

  P.tiles = { load: load, install: install, parseHist: parseHist };
})(window.mapsiteParts = window.mapsiteParts || {});
