// map-data.js reads the records the build put in data.js
// (window.MAPSITE_DATA) and decides which of them the filters keep. It is
// the one place that knows the payload's format (build/mapdata.go writes
// it): the rest of the map scripts see only what load returns.
//
// data.js holds, in columns, what the map needs to draw, list, filter and
// count the records. The rest comes on demand, from chunk scripts beside
// this one (a <script> element, so that the site works from file://):
// each record's whole GeoJSON feature when a download needs it
// (A.needDetails), and the summaries when a search first asks for them
// (A.needTexts). A popup needs no chunk: what it shows is in data.js
// (A.popupFields).
(function (P) {
  "use strict";

  var UNKNOWN_LAYER = { key: "", name: "", color: "#555", symbol: "circle", index: 0 };
  // The chunks' names are relative to the folder this script is in.
  var here = document.currentScript && document.currentScript.src;

  // loadScript runs the chunk script file (a name in data.js) and calls
  // done(items) with what it hands over under key, or done(null) when it
  // fails. Each file is asked for once; later callers wait for it.
  var scripts = {};
  function loadScript(file, key, done) {
    var s = scripts[file];
    if (s && s.items) { done(s.items); return; }
    if (s) { s.waiting.push(done); return; }
    s = scripts[file] = { items: null, waiting: [done] };
    var el = document.createElement("script");
    var finish = function () {
      var box = window.MAPSITE_CHUNKS || {};
      s.items = box[key] || null;
      delete box[key];
      el.remove();
      var waiting = s.waiting;
      s.waiting = [];
      if (!s.items) delete scripts[file]; // a failed load may be tried again
      waiting.forEach(function (f) { f(s.items); });
    };
    el.onload = finish;
    el.onerror = finish;
    el.src = here ? new URL(file, here).href : "assets/" + file;
    document.head.appendChild(el);
  }

  // column reads a repeated-values column ({values, refs}) for record k.
  function valueOf(col, k) { return col.values[col.refs[k]]; }

  // load turns the payload into the records the page works with, newest
  // first, each with its layer, point, date span and properties (r.p:
  // those of the GeoJSON feature the map needs up front, then, once its
  // details are loaded, all of them, with the feature as r.f).
  function load(D) {
    var layers = {}, layerOrder = [], attributionLabel = {};
    D.layers.forEach(function (l, i) { layers[l.key] = l; l.index = i; layerOrder.push(l.key); });
    (D.attributions || []).forEach(function (a) { attributionLabel[a.key] = a.label; });
    var C = D.records, n = C.id.length, records = new Array(n);
    var countryName = {};
    C.country.values.forEach(function (cc, i) { countryName[cc] = C.country_name[i]; });
    for (var k = 0; k < n; k++) {
      var layer = D.layers[C.layer[k]];
      var start = C.start[k], end = C.end[k] || start;
      var p = { title: C.title[k], layer: layer ? layer.key : "", date_text: valueOf(C.date_text, k),
        date_start: start, date_end: end, precision: valueOf(C.precision, k), url: "incidents/" + C.id[k] + "/" };
      var cc = valueOf(C.country, k);
      p.country = cc;
      p.country_name = countryName[cc];
      var v = valueOf(C.place, k);
      if (v) p.place = v;
      if ((v = valueOf(C.matched_place, k))) p.matched_place = v;
      if ((v = valueOf(C.perpetrator, k))) p.perpetrator = v;
      if ((v = valueOf(C.attribution, k))) { p.attribution = v; p.attribution_label = attributionLabel[v]; }
      var tagRefs = C.tags.refs[k];
      if (tagRefs.length) p.tags = tagRefs.map(function (t) { return C.tags.values[t]; });
      records[k] = {
        id: C.id[k], k: k, f: null, p: p,
        layer: layer || Object.assign({}, UNKNOWN_LAYER),
        lon: C.xy[2 * k], lat: C.xy[2 * k + 1],
        start: start, end: end, text: null, popup: false
      };
    }
    var links = [];
    for (var j = 0; j + 1 < D.links.length; j += 2) {
      var a = records[D.links[j]], b = records[D.links[j + 1]];
      links.push({ properties: { from: a.id, to: b.id }, geometry: { coordinates: [[a.lon, a.lat], [b.lon, b.lat]] } });
    }
    var byKey = records.slice(); // the payload's order, which the chunks follow
    // Newest first, then by id. The payload comes oldest first: reversed,
    // only the records that start the same day need sorting among them.
    records.reverse();
    var byIdOrder = function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; };
    for (var lo = 0, hi; lo < n; lo = hi) {
      for (hi = lo + 1; hi < n && records[hi].start === records[lo].start;) hi++;
      if (hi - lo > 1) {
        var run = records.slice(lo, hi).sort(byIdOrder);
        for (var m = 0; m < run.length; m++) records[lo + m] = run[m];
      }
    }
    for (var o = 1; o < n; o++) {
      if (records[o - 1].start >= records[o].start) continue;
      // Not the build's order after all: sort the whole.
      records.sort(function (a, b) { return a.start < b.start ? 1 : a.start > b.start ? -1 : byIdOrder(a, b); });
      break;
    }
    var byId = {};
    records.forEach(function (r, i) { byId[r.id] = r; r.i = i; });

    var span = { min: "", max: "" }, countries = {}, perpetrators = {}, tags = {}, attributions = {};
    var tally = function (set, key, name) {
      var c = set[key] || (set[key] = { name: name || key, n: 0 });
      c.n++;
    };
    records.forEach(function (r) {
      if (!span.min || r.start < span.min) span.min = r.start;
      if (!span.max || r.end > span.max) span.max = r.end;
      if (r.p.country) tally(countries, r.p.country, r.p.country_name);
      if (r.p.perpetrator) tally(perpetrators, r.p.perpetrator);
      if (r.p.attribution) tally(attributions, r.p.attribution, r.p.attribution_label);
      (r.p.tags || []).forEach(function (t) { tally(tags, t); });
    });

    // needDetails calls done() once every record of list has its whole
    // feature (r.f, and r.p its properties), loading the chunks that hold
    // them; done(false) when one failed to load.
    function needDetails(list, done) {
      var want = {}, files = [];
      list.forEach(function (r) {
        if (r.f) return;
        var c = Math.floor(r.k / D.details.size);
        if (!want[c]) { want[c] = true; files.push(c); }
      });
      var left = files.length, ok = true;
      if (!left) { done(true); return; }
      files.forEach(function (c) {
        loadScript(D.details.files[c], "d" + c, function (items) {
          if (items) {
            items.forEach(function (f, j) {
              var r = byKey[c * D.details.size + j];
              if (r && !r.f) { r.f = f; r.p = f.properties; }
            });
          } else {
            ok = false;
          }
          if (--left === 0) done(ok);
        });
      });
    }

    // searchText makes every record's search text: the title, place, the
    // place it was located as, country, tags and perpetrator, and the
    // summary once the summaries are loaded (textsLoaded). Called from an
    // idle callback (with its deadline), it works a slice at a time and
    // asks for more idle time until it is done, so that the page answers
    // a click or a key at once (the whole took 40–60 ms at 10,000
    // records); a search calls it without one, and it finishes at once.
    var summaries = null, textsAsked = false, textWaiting = [];
    var folded = 0, foldedWith = null; // records[0, folded) have their text, made with summaries foldedWith
    function foldTo(end) {
      if (foldedWith !== summaries) { folded = 0; foldedWith = summaries; }
      for (; folded < end; folded++) {
        var r = records[folded], p = r.p;
        r.text = P.fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(" "),
          summaries ? summaries[r.k] : "", p.perpetrator].join(" \u0001 "));
      }
    }
    function searchText(deadline) {
      if (!deadline || !deadline.timeRemaining) { foldTo(n); return; }
      do foldTo(Math.min(n, (foldedWith === summaries ? folded : 0) + 500));
      while (folded < n && deadline.timeRemaining() > 2);
      if (folded < n) (window.requestIdleCallback || setTimeout)(searchText);
    }
    // needTexts loads the summaries, for search, and calls done(true)
    // when they are in (done(false) when a chunk failed); searchText then
    // puts them in the records' search text.
    function needTexts(done) {
      if (summaries) { done(true); return; }
      textWaiting.push(done);
      if (textsAsked) return;
      textsAsked = true;
      var all = new Array(n), left = D.texts.files.length, ok = true;
      var finish = function () {
        var waiting = textWaiting;
        textWaiting = [];
        if (ok) {
          summaries = all; // searchText folds them in when a search asks
        } else {
          textsAsked = false;
        }
        waiting.forEach(function (f) { f(ok); });
      };
      if (!left) { finish(); return; }
      D.texts.files.forEach(function (file, c) {
        loadScript(file, "s" + c, function (items) {
          if (items) items.forEach(function (s, j) { all[c * D.texts.size + j] = s; });
          else ok = false;
          if (--left === 0) finish();
        });
      });
    }

    // popupFields puts into r.p what a popup shows that the other columns
    // do not hold (whether the analyst gave the coordinates, the counts'
    // texts), from the column "popup", and says whether r.p now holds all
    // a popup shows: it opens whole, with no detail chunk to wait for.
    function popupFields(r) {
      var col = C.popup;
      if (r.f || r.popup) return true;
      if (!col) return false; // data.js from an older build
      var v = col.values[col.refs[r.k]];
      if (v[0]) r.p.coordinates_given = true;
      for (var i = 1; i < v.length; i++) if (v[i] !== "") r.p[col.fields[i - 1] + "_text"] = v[i];
      return (r.popup = true);
    }

    return { layers: layers, layerOrder: layerOrder, layerList: D.layers, records: records, byId: byId,
      span: span, countries: countries, perpetrators: perpetrators, tags: tags, attributions: attributions,
      links: links, needDetails: needDetails, needTexts: needTexts, searchText: searchText, popupFields: popupFields,
      textsLoaded: function () { return !!summaries; }, textFiles: D.texts.files.length };
  }

  // csvOf and geojsonOf write records as the site's downloads do, from the
  // data already loaded: the reader's filtered selection, whose details
  // (A.needDetails) must be loaded first.
  var CSV_FIELDS = ["id", "title", "layer", "date_start", "date_end", "date_text", "date_precision", "place", "country",
    "precision", "attribution", "perpetrator", "killed_text", "injured_text", "tags", "url"];
  function csvCell(v) {
    if (v == null) return "";
    var s = Array.isArray(v) ? v.join("; ") : String(v);
    // A leading =, +, - or @ would be read as a formula by spreadsheets.
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csvOf(records, base) {
    var rows = [CSV_FIELDS.concat(["lon", "lat"]).join(",")];
    records.forEach(function (r) {
      var p = r.p;
      rows.push(CSV_FIELDS.map(function (k) {
        return csvCell(k === "id" ? r.id : k === "url" ? new URL(p.url, base).href : p[k]);
      }).concat([r.f.geometry.coordinates[0], r.f.geometry.coordinates[1]]).join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }
  function geojsonOf(records) {
    return JSON.stringify({ type: "FeatureCollection", features: records.map(function (r) { return r.f; }) });
  }

  // matches says whether record r passes filters f (ignoring the layer
  // checkboxes when ignoreLayer is set, to count what each layer holds;
  // the dates when ignoreDates is set); layersOnly says when only the
  // layers matter, and changes with it. Search words need the records'
  // search text (searchText) first.
  // The timeline counts with ignoreDates set: its bars show every date.
  function matches(r, f, ignoreLayer, ignoreDates) {
    if (!ignoreLayer && !f.layers[r.layer.key]) return false;
    if (!ignoreDates && f.from && r.end < f.from) return false;
    if (!ignoreDates && f.to && r.start > f.to) return false;
    if (f.country && r.p.country !== f.country) return false;
    if (f.attribution && r.p.attribution !== f.attribution) return false;
    if (f.perpetrator && r.p.perpetrator !== f.perpetrator) return false;
    if (f.tag && (r.p.tags || []).indexOf(f.tag) < 0) return false;
    if (f.words && f.words.length && f.words.some(function (w) { return r.text.indexOf(w) < 0; })) return false;
    return true;
  }

  // maskOf returns the records the filters keep (A.filtered) as a mask
  // over A.records, 1 at each kept record's index (r.i); the filter step
  // makes it in its pass (map-panel.js). columnsOf returns the records'
  // latitudes and longitudes (as drawn: map-areas.js moves an area's
  // records to its badge first), layers' keys and areas' keys (r.group,
  // map-areas.js; null for a record not across an area) in arrays by
  // index. The passes of a
  // filter step and a move read these, not the records: a pass that went
  // from record to record cost 3-15 ms at 100,000 records, most of it
  // waiting for memory.
  function maskOf(A) {
    if (A.maskFor === A.filtered && A.mask) return A.mask;
    var mask = new Uint8Array(A.records.length);
    A.filtered.forEach(function (r) { mask[r.i] = 1; });
    A.maskFor = A.filtered;
    return (A.mask = mask);
  }
  function columnsOf(A) {
    var rs = A.records, c = A.columns;
    if (c && c.records === rs) return c;
    c = A.columns = { records: rs, lat: new Float64Array(rs.length), lon: new Float64Array(rs.length), layer: new Array(rs.length),
      area: new Array(rs.length) };
    for (var k = 0; k < rs.length; k++) {
      var r = rs[k];
      c.lat[k] = r.lat;
      c.lon[k] = r.lon;
      c.layer[k] = r.layer.key;
      c.area[k] = r.area && r.group ? r.group.key : null;
    }
    return c;
  }

  // layersOnly says whether filters f keep records by their layer alone:
  // matches(r, f, true) is then true for every record.
  function layersOnly(f) {
    return !f.from && !f.to && !f.country && !f.attribution && !f.perpetrator && !f.tag && !(f.words && f.words.length);
  }

  P.data = { load: load, matches: matches, csvOf: csvOf, geojsonOf: geojsonOf, loadScript: loadScript,
    maskOf: maskOf, columnsOf: columnsOf, layersOnly: layersOnly };
})(window.mapsiteParts = window.mapsiteParts || {});
