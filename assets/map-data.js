// map-data.js reads the records the build put in data.js
// (window.MAPSITE_DATA) and decides which of them the filters keep. It is
// the one place that knows the payload's format: the rest of the map
// scripts see only what load returns.
(function (P) {
  "use strict";

  var UNKNOWN_LAYER = { key: "", name: "", color: "#555", symbol: "circle", index: 0 };

  // load turns the payload into the records the page works with, newest
  // first, each with its layer, point, date span and search text.
  function load(D) {
    var layers = {}, layerOrder = [];
    D.layers.forEach(function (l, i) { layers[l.key] = l; l.index = i; layerOrder.push(l.key); });
    var records = D.records.map(function (f) {
      var p = f.properties;
      return {
        id: String(f.id), f: f, p: p,
        layer: layers[p.layer] || Object.assign({}, UNKNOWN_LAYER, { key: p.layer, name: p.layer }),
        lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
        start: p.date_start, end: p.date_end,
        text: P.fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(" "), p.summary, p.perpetrator].join(" \u0001 "))
      };
    });
    records.sort(function (a, b) {
      return a.start < b.start ? 1 : a.start > b.start ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
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
    return { layers: layers, layerOrder: layerOrder, layerList: D.layers, records: records, byId: byId,
      span: span, countries: countries, perpetrators: perpetrators, tags: tags, attributions: attributions,
      links: (D.links && D.links.features) || [] };
  }

  // csvOf and geojsonOf write records as the site's downloads do, from the
  // data already loaded: the reader's filtered selection.
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
  // the dates when ignoreDates is set).
  // The timeline counts with ignoreDates set: its bars show every date.
  function matches(r, f, ignoreLayer, ignoreDates) {
    if (!ignoreLayer && !f.layers[r.layer.key]) return false;
    if (!ignoreDates && f.from && r.end < f.from) return false;
    if (!ignoreDates && f.to && r.start > f.to) return false;
    if (f.country && r.p.country !== f.country) return false;
    if (f.attribution && r.p.attribution !== f.attribution) return false;
    if (f.perpetrator && r.p.perpetrator !== f.perpetrator) return false;
    if (f.tag && (r.p.tags || []).indexOf(f.tag) < 0) return false;
    if (f.words && f.words.some(function (w) { return r.text.indexOf(w) < 0; })) return false;
    return true;
  }

  P.data = { load: load, matches: matches, csvOf: csvOf, geojsonOf: geojsonOf };
})(window.mapsiteParts = window.mapsiteParts || {});
