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

    var span = { min: "", max: "" }, countries = {};
    records.forEach(function (r) {
      if (!span.min || r.start < span.min) span.min = r.start;
      if (!span.max || r.end > span.max) span.max = r.end;
      if (r.p.country) {
        var c = countries[r.p.country] || (countries[r.p.country] = { name: r.p.country_name || r.p.country, n: 0 });
        c.n++;
      }
    });
    return { layers: layers, layerOrder: layerOrder, layerList: D.layers, records: records, byId: byId,
      span: span, countries: countries, links: (D.links && D.links.features) || [] };
  }

  // matches says whether record r passes filters f (ignoring the layer
  // checkboxes when ignoreLayer is set, to count what each layer holds).
  function matches(r, f, ignoreLayer) {
    if (!ignoreLayer && !f.layers[r.layer.key]) return false;
    if (f.from && r.end < f.from) return false;
    if (f.to && r.start > f.to) return false;
    if (f.country && r.p.country !== f.country) return false;
    if (f.words && f.words.some(function (w) { return r.text.indexOf(w) < 0; })) return false;
    return true;
  }

  P.data = { load: load, matches: matches };
})(window.mapsiteParts = window.mapsiteParts || {});
