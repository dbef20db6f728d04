// map.js draws the map page (index.html) and the locator on record pages.
//
// The data arrive by script tag (window.MAPSITE_DATA, window.MAPSITE_BASEMAP)
// so that the site works from file://. Points are clustered with
// supercluster and drawn on a canvas; the side panel's list is the keyboard
// and screen-reader route to every record. The URL hash holds the view, the
// filters and the open record. The DOM is built with createElement and
// textContent only: nothing from the data is ever parsed as HTML.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MAX_ZOOM = 14;      // without tiles: Natural Earth outlines say little closer in
  var LIST_LIMIT = 300;   // list entries drawn at once; the rest are counted
  var COUNT_WORDS = [["killed", "killed"], ["injured", "injured"], ["casualties", "casualties"],
    ["detained", "detained"], ["arrested", "arrested"], ["deported", "deported"]];
  // Zoom at which a record is shown when opened, by location precision.
  var PRECISION_ZOOM = { venue: 12, neighbourhood: 12, district: 10, city: 8, region: 6, country: 5 };
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // ---- DOM helpers ------------------------------------------------------

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  // SVG shapes of the layer symbols, in a 16 × 16 box centred on 0, 0:
  // the same as the "symbol" template in base.html.
  var SHAPES = {
    circle: ["circle", { r: "6.2" }],
    square: ["rect", { x: "-5.5", y: "-5.5", width: "11", height: "11" }],
    triangle: ["path", { d: "M0-7.2L7 5.6H-7Z" }],
    diamond: ["path", { d: "M0-7.6L7 0 0 7.6-7 0Z" }],
    star: ["path", { d: "M0-7L1.94-2.07 7.23-1.75 3.14 1.62 4.47 6.75 0 3.9-4.47 6.75-3.14 1.62-7.23-1.75-1.94-2.07Z" }]
  };

  function symbolSVG(layer) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "symbol");
    svg.setAttribute("viewBox", "-8 -8 16 16");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = SHAPES[layer && layer.symbol] || SHAPES.circle;
    var s = document.createElementNS(SVG, shape[0]);
    for (var k in shape[1]) s.setAttribute(k, shape[1][k]);
    s.setAttribute("fill", (layer && layer.color) || "#555");
    s.setAttribute("stroke", "#fff");
    s.setAttribute("stroke-width", "1");
    svg.appendChild(s);
    return svg;
  }

  // fold makes text comparable for search: lower case, no diacritics.
  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ı/g, "i").toLowerCase();
  }

  // ---- Canvas symbols (Leaflet) -------------------------------------------

  // tracePath adds a layer symbol of radius r at x, y to the canvas path.
  function tracePath(ctx, symbol, x, y, r) {
    var i, a;
    switch (symbol) {
      case "square":
        r *= 0.88;
        ctx.rect(x - r, y - r, 2 * r, 2 * r);
        break;
      case "triangle":
        r *= 1.18;
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r * 0.97, y + r * 0.78);
        ctx.lineTo(x - r * 0.97, y + r * 0.78);
        ctx.closePath();
        break;
      case "diamond":
        r *= 1.22;
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r * 0.92, y);
        ctx.lineTo(x, y + r);
        ctx.lineTo(x - r * 0.92, y);
        ctx.closePath();
        break;
      case "star":
        r *= 1.3;
        for (i = 0; i < 10; i++) {
          a = -Math.PI / 2 + i * Math.PI / 5;
          var rr = i % 2 ? r * 0.45 : r;
          if (i === 0) ctx.moveTo(x + rr * Math.cos(a), y + 0.1 * r + rr * Math.sin(a));
          else ctx.lineTo(x + rr * Math.cos(a), y + 0.1 * r + rr * Math.sin(a));
        }
        ctx.closePath();
        break;
      default:
        ctx.arc(x, y, r, 0, Math.PI * 2, false);
    }
  }

  function defineLeafletParts(L) {
    if (L.SymbolMarker) return;
    // SymbolMarker is a canvas-drawn record: the layer's symbol, solid or
    // hollow, with a dotted ring when it stands for a whole country.
    L.SymbolMarker = L.CircleMarker.extend({
      options: { symbol: "circle", ring: 0 },
      _updatePath: function () { this._renderer._updateSymbol(this); },
      _updateBounds: function () {
        var r = Math.max(this._radius * 1.35, this.options.ring) + this._clickTolerance() + 2;
        this._pxBounds = new L.Bounds(this._point.subtract([r, r]), this._point.add([r, r]));
      }
    });
    // ClusterMarker is a group of records: a ring split by layer, the count inside.
    L.ClusterMarker = L.CircleMarker.extend({
      options: { parts: [], total: 0 },
      _updatePath: function () { this._renderer._updateCluster(this); }
    });
    L.Canvas.include({
      _updateSymbol: function (layer) {
        if (!this._drawing || layer._empty()) return;
        var p = layer._point, ctx = this._ctx, o = layer.options;
        if (o.ring) {
          ctx.beginPath();
          ctx.arc(p.x, p.y, o.ring, 0, Math.PI * 2, false);
          ctx.setLineDash([2, 3]);
          ctx.globalAlpha = 0.9;
          ctx.lineWidth = 1.6;
          ctx.strokeStyle = o.color;
          ctx.stroke();
          ctx.setLineDash([]);
        }
        ctx.beginPath();
        tracePath(ctx, o.symbol, p.x, p.y, Math.max(layer._radius, 1));
        this._fillStroke(ctx, layer);
      },
      _updateCluster: function (layer) {
        if (!this._drawing || layer._empty()) return;
        var p = layer._point, ctx = this._ctx, o = layer.options, r = layer._radius;
        var start = -Math.PI / 2;
        ctx.globalAlpha = 1;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 1.5, 0, Math.PI * 2);
        ctx.fillStyle = "#fff";
        ctx.fill();
        o.parts.forEach(function (part) {
          var end = start + (part.n / o.total) * Math.PI * 2;
          ctx.beginPath();
          ctx.moveTo(p.x, p.y);
          ctx.arc(p.x, p.y, r, start, end);
          ctx.closePath();
          ctx.fillStyle = part.color;
          ctx.fill();
          start = end;
        });
        ctx.beginPath();
        ctx.arc(p.x, p.y, r - 5, 0, Math.PI * 2);
        ctx.fillStyle = "#fff";
        ctx.fill();
        ctx.fillStyle = "#1b1b1b";
        ctx.font = "700 " + (o.total >= 1000 ? 10 : 12) + "px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(String(o.total), p.x, p.y + 0.5);
      }
    });
  }

  // markerOptions styles a record by its layer and location precision:
  // solid for a venue or neighbourhood, hollow when approximate (district,
  // city, region), hollow and ringed when only the country is known.
  function markerOptions(layer, precision, renderer) {
    var o = { renderer: renderer, symbol: layer.symbol, color: layer.color, fillColor: layer.color, radius: 6.5,
      weight: 1.5, opacity: 1, fillOpacity: 1, ring: 0 };
    if (precision === "venue" || precision === "neighbourhood") {
      o.color = "#fff";
    } else {
      o.fillColor = "#fff";
      o.fillOpacity = 0.92;
      o.weight = 2.6;
      o.radius = 5.8;
      if (precision === "country") o.ring = 15;
    }
    return o;
  }

  function outlines(L, renderer) {
    var topo = window.MAPSITE_BASEMAP;
    if (!topo || !window.topojson) return null;
    return L.geoJSON(window.topojson.feature(topo, topo.objects.countries), {
      renderer: renderer, interactive: false, attribution: "Natural Earth",
      style: { color: "#b5ae9f", weight: 0.7, opacity: 1, fillColor: "#f7f5f0", fillOpacity: 1 }
    });
  }

  // ---- Record popups ------------------------------------------------------

  function precisionNote(p) {
    if (p.coordinates_given) return "Placed at coordinates given by the analyst.";
    switch (p.precision) {
      case "venue": return "Placed at the venue.";
      case "neighbourhood": return "Placed at the neighbourhood.";
      case "country": return "Placed only at country level: the marker stands for the whole of " + (p.country_name || "the country") + ".";
      default: return "Approximate: placed at " + p.precision + " level.";
    }
  }

  function countsText(p) {
    var out = [];
    COUNT_WORDS.forEach(function (c) {
      if (p[c[0] + "_text"] != null) out.push(p[c[0] + "_text"] + " " + c[1]);
    });
    return out.join(" · ");
  }

  // ---- The map page ---------------------------------------------------------

  function initMap(L, D) {
    defineLeafletParts(L);
    var mapEl = document.getElementById("map");
    var form = document.getElementById("filters");
    var listEl = document.getElementById("record-list");
    var countEl = document.getElementById("visible-count");
    var noteEl = document.getElementById("list-note");
    var panel = document.getElementById("panel");
    var toggle = document.getElementById("panel-toggle");
    var toggleCount = document.getElementById("panel-toggle-count");
    var phone = window.matchMedia("(max-width: 700px)");

    var layers = {}, layerOrder = [];
    D.layers.forEach(function (l, i) { layers[l.key] = l; l.index = i; layerOrder.push(l.key); });

    // Records, newest first; each keeps its feature and a search text.
    var records = D.records.map(function (f) {
      var p = f.properties;
      return {
        id: String(f.id), f: f, p: p, layer: layers[p.layer] || { key: p.layer, name: p.layer, color: "#555", symbol: "circle", index: 0 },
        lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
        start: p.date_start, end: p.date_end,
        text: fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(" "), p.summary, p.perpetrator].join(" \u0001 "))
      };
    });
    records.sort(function (a, b) {
      return a.start < b.start ? 1 : a.start > b.start ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
    var byId = {};
    records.forEach(function (r, i) { byId[r.id] = r; r.i = i; });

    // ---- Filters ----
    var minDate = "", maxDate = "";
    var countries = {};
    records.forEach(function (r) {
      if (!minDate || r.start < minDate) minDate = r.start;
      if (!maxDate || r.end > maxDate) maxDate = r.end;
      if (r.p.country) {
        var c = countries[r.p.country] || (countries[r.p.country] = { name: r.p.country_name || r.p.country, n: 0 });
        c.n++;
      }
    });
    var from = form.elements.from, to = form.elements.to, country = form.elements.country, q = form.elements.q;
    [from, to].forEach(function (input) { input.min = minDate; input.max = maxDate; });
    from.placeholder = minDate;
    to.placeholder = maxDate;
    Object.keys(countries).sort(function (a, b) { return countries[a].name.localeCompare(countries[b].name); })
      .forEach(function (cc) {
        var o = el("option", null, countries[cc].name + " (" + countries[cc].n + ")");
        o.value = cc;
        country.appendChild(o);
      });
    var layerBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="layer"]'));
    var linksBox = form.elements.links;

    function readFilters() {
      var on = {};
      layerBoxes.forEach(function (b) { if (b.checked) on[b.value] = true; });
      return { layers: on, from: from.value, to: to.value, country: country.value, q: q.value.trim(), links: linksBox.checked };
    }
    function writeFilters(s) {
      layerBoxes.forEach(function (b) { b.checked = !s.layers || !!s.layers[b.value]; });
      from.value = s.from || "";
      to.value = s.to || "";
      country.value = countries[s.country] ? s.country : "";
      q.value = s.q || "";
      linksBox.checked = s.links !== false;
    }
    function matches(r, f, ignoreLayer) {
      if (!ignoreLayer && !f.layers[r.layer.key]) return false;
      if (f.from && r.end < f.from) return false;
      if (f.to && r.start > f.to) return false;
      if (f.country && r.p.country !== f.country) return false;
      if (f.words && f.words.some(function (w) { return r.text.indexOf(w) < 0; })) return false;
      return true;
    }

    // ---- Map ----
    var tiles = D.tiles || [];
    var maxZoom = MAX_ZOOM;
    tiles.forEach(function (t) { if (t.max_zoom) maxZoom = Math.max(maxZoom, t.max_zoom); });
    var map = L.map(mapEl, { minZoom: 2, maxZoom: maxZoom, worldCopyJump: true, zoomSnap: 1,
      fadeAnimation: !reducedMotion, zoomAnimation: !reducedMotion, markerZoomAnimation: !reducedMotion,
      maxBounds: [[-88, -240], [88, 240]], attributionControl: false });
    L.control.attribution({ prefix: '<a href="https://leafletjs.com" rel="noopener noreferrer">Leaflet</a>' }).addTo(map);
    map.createPane("basemap").style.zIndex = 150;
    map.createPane("links").style.zIndex = 420;
    map.createPane("records").style.zIndex = 450;
    var touch = L.Browser.touch || L.Browser.mobile;
    var baseRenderer = L.canvas({ pane: "basemap", padding: 0.3 });
    var linkRenderer = L.canvas({ pane: "links" });
    var recordRenderer = L.canvas({ pane: "records", tolerance: touch ? 10 : 3 });
    var base = outlines(L, baseRenderer);
    if (base) base.addTo(map);
    if (tiles.length) {
      var choices = {};
      if (base) choices["Country outlines (offline)"] = base;
      tiles.forEach(function (t) {
        var esc = el("span", null, t.attribution || "").innerHTML; // escaped text, for Leaflet's innerHTML
        choices[t.name || "Tiles"] = L.tileLayer(t.url, { attribution: esc, maxZoom: t.max_zoom || 19 });
      });
      L.control.layers(choices, null, { collapsed: true }).addTo(map);
    }
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    // Close in, the offline outlines show no streets or towns: say so.
    var OutlineNote = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () { return el("div", "outline-note", "Base map: country outlines only"); }
    });
    var outlineNote = new OutlineNote();
    function updateOutlineNote() {
      var show = base && map.hasLayer(base) && map.getZoom() >= 7;
      if (show && !outlineNote._map) outlineNote.addTo(map);
      else if (!show && outlineNote._map) outlineNote.remove();
    }
    map.on("zoomend baselayerchange", updateOutlineNote);
    var linkGroup = L.layerGroup().addTo(map);
    var markerGroup = L.layerGroup().addTo(map);

    var filters = readFilters(), filtered = records, index = null, popup = null, selected = null;
    var flying = false; // while the map moves to a record, whose popup then writes the URL

    function rebuildIndex() {
      index = new window.Supercluster({
        radius: 44, maxZoom: maxZoom, minPoints: 2,
        // Per-layer counts as flat keys c0, c1, …: supercluster copies
        // properties shallowly, so a nested array would be shared.
        map: function (p) { var o = {}; o["c" + p.li] = 1; return o; },
        reduce: function (acc, p) { for (var k in p) acc[k] = (acc[k] || 0) + p[k]; }
      });
      index.load(filtered.map(function (r) {
        return { type: "Feature", geometry: r.f.geometry, properties: { i: r.i, li: r.layer.index } };
      }));
    }

    function viewBBox() {
      var b = map.getBounds();
      var w = b.getWest(), e = b.getEast();
      if (e - w >= 360) { w = -180; e = 180; }
      return [Math.max(-180, w), Math.max(-85, b.getSouth()), Math.min(180, e), Math.min(85, b.getNorth())];
    }

    // draw puts the current clusters and points on the map, and the list.
    var drawn = null;
    function draw() {
      markerGroup.clearLayers();
      drawn = { clusters: 0, points: 0, byLayer: {}, items: [] };
      layerOrder.forEach(function (k) { drawn.byLayer[k] = 0; });
      var z = Math.round(map.getZoom());
      index.getClusters(viewBBox(), z).forEach(function (c) {
        var ll = [c.geometry.coordinates[1], c.geometry.coordinates[0]];
        if (c.properties.cluster) {
          var parts = [];
          layerOrder.forEach(function (key, i) {
            var k = c.properties["c" + i];
            if (k) { parts.push({ n: k, color: D.layers[i].color }); drawn.byLayer[key] += k; }
          });
          var total = c.properties.point_count;
          var m = new L.ClusterMarker(ll, { renderer: recordRenderer, radius: Math.min(26, 13 + Math.sqrt(total) * 1.6),
            parts: parts, total: total, stroke: false });
          m.on("click", function () { clusterClick(c, ll); });
          drawn.items.push({ ll: ll, cluster: c.properties.cluster_id });
          markerGroup.addLayer(m);
          drawn.clusters++;
        } else {
          var r = records[c.properties.i];
          var pt = new L.SymbolMarker(ll, markerOptions(r.layer, r.p.precision, recordRenderer));
          pt.on("click", function () { openRecord(r.id, { push: true, fromMarker: true }); });
          drawn.items.push({ ll: ll, id: r.id });
          markerGroup.addLayer(pt);
          drawn.points++;
          drawn.byLayer[r.layer.key]++;
        }
      });
      if (selected && drawn.items.some(function (it) { return it.id === selected; })) {
        var s = byId[selected];
        markerGroup.addLayer(L.circleMarker([s.lat, s.lon], { renderer: recordRenderer, radius: 12, weight: 2.5,
          color: "#1b1b1b", fill: false, interactive: false }));
      }
      drawList();
    }

    function clusterClick(c, ll) {
      var expand = index.getClusterExpansionZoom(c.properties.cluster_id);
      if (expand <= maxZoom && expand > map.getZoom()) {
        if (reducedMotion) map.setView(ll, expand, { animate: false });
        else map.flyTo(ll, expand, { duration: 0.6 });
        return;
      }
      // Records at one point (or too close to split): list them.
      var leaves = index.getLeaves(c.properties.cluster_id, Infinity).map(function (f) { return records[f.properties.i]; });
      leaves.sort(function (a, b) { return a.i - b.i; });
      var box = el("div", "popup cluster-popup");
      box.appendChild(el("p", "popup-title", leaves.length + " records at this place"));
      var ul = el("ul", "cluster-list");
      leaves.forEach(function (r) {
        var li = el("li"), b = el("button");
        b.type = "button";
        b.appendChild(symbolSVG(r.layer));
        b.appendChild(el("span", null, r.p.title + " (" + r.p.date_text + ")"));
        b.addEventListener("click", function (ev) { openRecord(r.id, { push: true, fromMarker: true, focusPopup: ev.detail === 0 }); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      closePopup();
      L.popup({ maxWidth: 320, className: "cluster-popup-wrap" }).setLatLng(ll).setContent(box).openOn(map);
    }

    function drawLinks() {
      linkGroup.clearLayers();
      if (!filters.links) return;
      var on = {};
      filtered.forEach(function (r) { on[r.id] = true; });
      (D.links && D.links.features || []).forEach(function (f) {
        if (!on[f.properties.from] || !on[f.properties.to]) return;
        var cs = f.geometry.coordinates;
        linkGroup.addLayer(L.polyline(cs.map(function (c) { return [c[1], c[0]]; }), {
          renderer: linkRenderer, color: "#2b2b2b", weight: 1, opacity: 0.4, interactive: false
        }));
      });
    }

    // ---- List ----
    var entryFor = {};
    function drawList() {
      var b = map.getBounds().pad(0.02), inView = [];
      filtered.forEach(function (r) {
        if (b.contains([r.lat, r.lon]) || b.contains([r.lat, r.lon + 360]) || b.contains([r.lat, r.lon - 360])) inView.push(r);
      });
      var focusedId = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.id;
      listEl.textContent = "";
      entryFor = {};
      inView.slice(0, LIST_LIMIT).forEach(function (r) {
        var li = el("li"), b = el("button", "record-entry");
        b.type = "button";
        b.dataset.id = r.id;
        b.appendChild(symbolSVG(r.layer));
        b.appendChild(el("span", "entry-title", r.p.title));
        var where = r.p.place || r.p.country_name || "";
        b.appendChild(el("span", "entry-meta", r.p.date_text + (where ? " · " + where : "") + " · " + r.layer.name));
        if (r.id === selected) b.setAttribute("aria-current", "true");
        b.addEventListener("click", function (ev) {
          openRecord(r.id, { push: true, fly: true, focusPopup: ev.detail === 0 });
        });
        li.appendChild(b);
        listEl.appendChild(li);
        entryFor[r.id] = b;
      });
      if (focusedId && entryFor[focusedId]) entryFor[focusedId].focus({ preventScroll: true });
      if (inView.length > LIST_LIMIT) listEl.appendChild(el("li", "list-more", "… and " + (inView.length - LIST_LIMIT) + " more: zoom in or narrow the filters."));
      countEl.textContent = inView.length === filtered.length ? String(filtered.length) : inView.length + " of " + filtered.length;
      var word = filtered.length === 1 ? " record" : " records";
      document.getElementById("visible-word").textContent = inView.length === filtered.length ? word.trim() : word.trim() + " in view";
      noteEl.textContent = "";
      noteEl.hidden = true;
      if (inView.length < filtered.length) {
        noteEl.hidden = false;
        noteEl.appendChild(document.createTextNode((filtered.length - inView.length) + " more outside the map view. "));
        var all = el("button", "link-button", "Show all on the map");
        all.type = "button";
        all.addEventListener("click", fitFiltered);
        noteEl.appendChild(all);
      } else if (!filtered.length) {
        noteEl.hidden = false;
        noteEl.textContent = "No record matches these filters.";
      }
      toggleCount.textContent = filtered.length + (filtered.length === 1 ? " record" : " records");
    }

    function fitFiltered() {
      if (!filtered.length) return;
      var b = L.latLngBounds(filtered.map(function (r) { return [r.lat, r.lon]; }));
      map.fitBounds(b, { padding: [40, 40], maxZoom: 7, animate: !reducedMotion });
    }

    // applyFilters recomputes what is shown after the filters change.
    function applyFilters() {
      filters = readFilters();
      filters.words = fold(filters.q).split(/\s+/).filter(Boolean);
      filtered = records.filter(function (r) { return matches(r, filters, false); });
      var counts = {};
      layerOrder.forEach(function (k) { counts[k] = 0; });
      records.forEach(function (r) { if (matches(r, filters, true)) counts[r.layer.key]++; });
      layerOrder.forEach(function (k) {
        var c = form.querySelector('[data-layer-count="' + k + '"]');
        if (c) {
          c.textContent = String(counts[k]);
          c.classList.toggle("zero", counts[k] === 0);
        }
      });
      rebuildIndex();
      drawLinks();
      draw();
    }

    // ---- Popups ----
    function popupContent(r) {
      var p = r.p, box = el("div", "popup");
      var kicker = el("p", "popup-kicker");
      kicker.appendChild(symbolSVG(r.layer));
      kicker.appendChild(el("span", null, r.layer.name + (p.attribution_label ? " · " + p.attribution_label : "")));
      box.appendChild(kicker);
      var h = el("h2", "popup-title", p.title);
      h.tabIndex = -1;
      box.appendChild(h);
      var date = el("p", "popup-line popup-date");
      var t = el("time", null, p.date_text);
      t.setAttribute("datetime", p.date_start);
      date.appendChild(t);
      box.appendChild(date);
      var place = el("p", "popup-line popup-place", p.place || p.country_name || "");
      if (p.place && p.country_name && p.place.indexOf(p.country_name) < 0) place.appendChild(document.createTextNode(", " + p.country_name));
      if (p.matched_place && fold(p.matched_place).indexOf(fold(p.place)) !== 0) {
        place.appendChild(document.createTextNode(" "));
        place.appendChild(el("span", "muted", "(located as " + p.matched_place + ")"));
      }
      box.appendChild(place);
      box.appendChild(el("p", "popup-precision" + (p.precision === "country" ? " country" : ""), precisionNote(p)));
      var counts = countsText(p);
      if (counts) box.appendChild(el("p", "popup-counts", counts));
      if (p.perpetrator) box.appendChild(el("p", "popup-line", "Perpetrator: " + p.perpetrator));
      var a = el("a", "popup-link", "Read the record and its sources →");
      a.href = p.url;
      box.appendChild(a);
      return box;
    }

    function closePopup() {
      if (popup) { var p = popup; popup = null; map.closePopup(p); }
      map.closePopup();
    }

    var openToken = 0;
    // openRecord shows a record's popup, moving the map to it.
    function openRecord(id, opt) {
      var r = byId[id];
      if (!r) return;
      opt = opt || {};
      var changed = selected !== id;
      selected = id;
      if (phone.matches && opt.fly) setCollapsed(true);
      var ll = L.latLng(r.lat, r.lon);
      var z = Math.min(maxZoom, Math.max(Math.round(map.getZoom()), PRECISION_ZOOM[r.p.precision] || 8));
      if (opt.keepView) z = map.getZoom();
      var token = ++openToken;
      var show = function () {
        if (token !== openToken) return; // another record was opened since
        flying = false;
        closePopup();
        popup = L.popup({ maxWidth: Math.max(180, Math.min(300, mapEl.clientWidth - 120)), offset: [0, -4], autoPanPaddingTopLeft: [48, 16], autoPanPaddingBottomRight: [16, phone.matches ? 64 : 16], className: "record-popup" })
          .setLatLng(ll).setContent(popupContent(r));
        popup.recordId = id;
        popup.openOn(map);
        draw();
        var box = popup.getElement();
        if (box) {
          // Escape closes the popup and returns to the list entry.
          box.addEventListener("keydown", function (e) {
            if (e.key !== "Escape") return;
            map.closePopup();
            if (entryFor[id]) entryFor[id].focus();
          });
          if (opt.focusPopup) box.querySelector(".popup-title").focus();
        }
        if (changed || opt.push) writeHash(!!opt.push && changed);
      };
      // A record clicked on the map stays where it is; one opened from the
      // list or the URL is brought into view, close enough to stand apart.
      var move = !opt.fromMarker && (map.getZoom() < z || !map.getBounds().contains(ll));
      if (opt.keepView || !move) { show(); return; }
      if (opt.fly && !reducedMotion) {
        var done = false, once = function () { if (!done) { done = true; show(); } };
        flying = true;
        map.once("moveend", once);
        setTimeout(once, 2500);
        map.flyTo(ll, z, { duration: 0.8 });
      } else {
        flying = true; // the URL is written once, by show
        map.setView(ll, z, { animate: false });
        show();
      }
    }

    map.on("popupclose", function (e) {
      if (popup && e.popup === popup) {
        popup = null;
        var id = selected;
        selected = null;
        draw();
        writeHash(false);
      }
    });

    // ---- URL hash ----
    var lastHash = null;
    function stateHash() {
      var parts = [];
      var add = function (k, v) { parts.push(k + "=" + encodeURIComponent(v).replace(/%2C/g, ",")); };
      if (selected) add("id", selected);
      var c = map.getCenter().wrap();
      add("z", Math.round(map.getZoom()));
      add("lat", c.lat.toFixed(4));
      add("lon", c.lng.toFixed(4));
      var off = layerOrder.filter(function (k) { return !filters.layers[k]; });
      if (off.length) add("layers", layerOrder.filter(function (k) { return filters.layers[k]; }).join(","));
      if (filters.from) add("from", filters.from);
      if (filters.to) add("to", filters.to);
      if (filters.country) add("country", filters.country);
      if (filters.q) add("q", filters.q);
      if (!filters.links) add("links", "off");
      return "#" + parts.join("&");
    }
    function writeHash(push) {
      if (applying) return;
      var h = stateHash();
      if (h === location.hash) return;
      lastHash = h;
      if (push) {
        location.hash = h;
        return;
      }
      try {
        history.replaceState(history.state, "", h);
      } catch (err) {
        location.replace(h);
      }
    }
    function parseHash(h) {
      var s = {};
      h.replace(/^#/, "").split("&").forEach(function (kv) {
        if (!kv) return;
        var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
        try { s[k] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (err) { s[k] = v; }
      });
      return s;
    }
    var applying = false;
    // applyHash sets the filters, the view and the open record from the URL.
    function applyHash(initial) {
      var s = parseHash(location.hash);
      applying = true;
      var f = { from: /^\d{4}-\d\d-\d\d$/.test(s.from || "") ? s.from : "", to: /^\d{4}-\d\d-\d\d$/.test(s.to || "") ? s.to : "",
        country: s.country || "", q: s.q || "", links: s.links !== "off", layers: null };
      if (s.layers != null) {
        f.layers = {};
        s.layers.split(",").forEach(function (k) { f.layers[k] = true; });
      }
      writeFilters(f);
      var z = parseInt(s.z, 10), lat = parseFloat(s.lat), lon = parseFloat(s.lon);
      var hasView = isFinite(z) && isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90;
      var r = byId[s.id];
      if (hasView) map.setView([lat, lon], Math.max(2, Math.min(maxZoom, z)), { animate: false });
      else if (initial && r) map.setView([r.lat, r.lon], PRECISION_ZOOM[r.p.precision] || 6, { animate: false });
      else if (initial) initialView();
      applyFilters();
      if (r) {
        openRecord(r.id, { push: false, fly: !initial && !hasView, keepView: hasView || initial });
      } else if (selected) {
        selected = null;
        closePopup();
        draw();
      }
      applying = false;
      lastHash = location.hash;
    }
    function initialView() {
      if (D.center) {
        map.setView([D.center[1], D.center[0]], D.zoom || 4, { animate: false });
      } else if (records.length) {
        var b = L.latLngBounds(records.map(function (r) { return [r.lat, r.lon]; }));
        map.fitBounds(b, { padding: [30, 30], maxZoom: Math.max(D.zoom || 4, 5), animate: false });
      } else {
        map.setView([20, 20], 2, { animate: false });
      }
    }
    window.addEventListener("hashchange", function () {
      if (location.hash === lastHash) return;
      applyHash(false);
    });

    // ---- Events ----
    var searchTimer = 0;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", function (e) {
      clearTimeout(searchTimer);
      if (e.target === q) {
        searchTimer = setTimeout(function () { applyFilters(); writeHash(false); }, 150);
      } else {
        applyFilters();
        writeHash(false);
      }
    });
    form.addEventListener("change", function (e) {
      if (e.target === q) return;
      applyFilters();
      writeHash(false);
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { applyFilters(); writeHash(false); }, 0);
    });
    map.on("moveend", function () {
      if (applying || flying) return;
      draw();
      writeHash(false);
    });

    // ---- Bottom sheet (phones) ----
    function setCollapsed(c) {
      panel.classList.toggle("collapsed", c);
      toggle.setAttribute("aria-expanded", String(!c));
    }
    toggle.hidden = false;
    toggle.addEventListener("click", function () { setCollapsed(!panel.classList.contains("collapsed")); });
    setCollapsed(phone.matches);
    // On a phone the list comes first; the filters fold away.
    if (phone.matches) document.getElementById("filter-box").open = false;

    applyHash(true);
    mapEl.setAttribute("data-ready", "true");
    if (window.performance && performance.mark) performance.mark("mapsite-ready");

    // A small read-only handle for tests and for readers' own scripts.
    window.mapsite = {
      map: map,
      drawn: function () { return { clusters: drawn.clusters, points: drawn.points, byLayer: JSON.parse(JSON.stringify(drawn.byLayer)) }; },
      // markerOf returns where the point or cluster that holds a record is drawn.
      markerOf: function (id) {
        for (var i = 0; i < drawn.items.length; i++) {
          var it = drawn.items[i];
          if (it.id === id) return it.ll;
          if (it.cluster != null && index.getLeaves(it.cluster, Infinity).some(function (f) { return records[f.properties.i].id === id; })) return it.ll;
        }
        return null;
      },
      visible: function () { return filtered.map(function (r) { return r.id; }); },
      open: function (id) { openRecord(id, { push: true, fly: false }); }
    };
  }

  // ---- The record page's locator -------------------------------------------

  function initLocator(L, box) {
    defineLeafletParts(L);
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon), prec = box.dataset.precision;
    if (!isFinite(lat) || !isFinite(lon)) return;
    var map = L.map(box, { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false, zoomSnap: 0.5 });
    L.control.attribution({ prefix: false }).addTo(map);
    map.setView([lat, lon], prec === "country" ? 3.5 : 4.5, { animate: false });
    var r = L.canvas({ padding: 0.2 });
    var base = outlines(L, r);
    if (base) base.addTo(map);
    var layer = { symbol: box.dataset.symbol || "circle", color: box.dataset.color || "#555" };
    L.circleMarker([lat, lon], { renderer: r, radius: 11, weight: 2, color: "#1b1b1b", fill: false, interactive: false }).addTo(map);
    var o = markerOptions(layer, prec, r);
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
})();
