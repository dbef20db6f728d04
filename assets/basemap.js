// basemap.js draws the offline base map and, where the publisher supplies
// one, the street map.
//
// The offline map comes from scripts the build writes (package basemap):
// window.MAPSITE_BASEMAP holds the world at low zoom, the place labels that
// show first, and the names of the finer scripts, cut into cells, that are
// loaded by script tag as the reader zooms in (a script tag works from
// file://, where fetch does not). The land is drawn by a Leaflet GridLayer
// onto canvas tiles; the labels are DOM elements placed in order of
// importance, never over another label or a record's marker.
//
// A PMTiles archive named by site.toml ([map] basemap) is drawn by
// protomaps-leaflet when the site is served over http(s) by a host that
// answers byte-range requests; otherwise the offline map stays, with a note.
(function (P) {
  "use strict";

  var COLORS = { land: "#f7f5f0", coast: "#a9a292" };
  var KIND = { country: 0, region: 1, city: 2, district: 3 };
  var MAX_LABELS = 160; // labels placed at once, at most
  var MARKER_RADIUS = 11, CLUSTER_RADIUS = 26;

  // ---- Data: the world script and the cell scripts --------------------------

  // Data decodes and holds what the base-map scripts carry.
  function Data(W) {
    this.W = W;
    this.base = (W.src || "").replace(/[^/]*$/, ""); // the assets folder, as the page loaded it
    this.world = decodeLand(W.land, W.bands[0].q, null);
    this.worldLabels = decodeLabels(W.labels);
    this.cells = {}; // "o2/10/3" → decoded cell, once loaded
    this.waiting = {}; // key → callbacks
  }

  // band returns the index of the band that draws zoom z.
  Data.prototype.band = function (z) {
    var bands = this.W.bands;
    for (var i = 0; i < bands.length; i++) if (z <= bands[i].max) return i;
    return bands.length - 1;
  };

  // keys returns the cell keys of band i that bound b (west, south, east,
  // north in degrees) touches and that exist.
  Data.prototype.keys = function (i, b, kind) {
    var band = this.W.bands[i], size = band.cell, out = [];
    if (!size) return out;
    var set = band["has" + kind];
    if (!set) {
      set = band["has" + kind] = {};
      for (var j = 0; j < band[kind].length; j += 2) set[band[kind][j] + "," + band[kind][j + 1]] = true;
    }
    var x0 = Math.floor((Math.max(-180, b[0]) + 180) / size), x1 = Math.floor((Math.min(179.999, b[2]) + 180) / size);
    var y0 = Math.floor((Math.max(-90, b[1]) + 90) / size), y1 = Math.floor((Math.min(89.999, b[3]) + 90) / size);
    for (var y = y0; y <= y1; y++) {
      for (var x = x0; x <= x1; x++) {
        if (set[x + "," + y]) out.push(kind + i + "/" + x + "/" + y);
      }
    }
    return out;
  };

  // need loads the cells of keys that are not loaded yet, then calls done.
  Data.prototype.need = function (keys, done) {
    var self = this, left = 0;
    var one = function () { if (--left === 0) done(); };
    keys.forEach(function (key) {
      if (self.cells[key]) return;
      left++;
      if (self.waiting[key]) { self.waiting[key].push(one); return; }
      self.waiting[key] = [one];
      var m = /^([ol])(\d+)\/(\d+)\/(\d+)$/.exec(key), band = self.W.bands[+m[2]];
      var s = document.createElement("script");
      s.src = self.base + self.W.dirs[m[1]] + m[1] + m[2] + "-" + m[3] + "-" + m[4] + ".js";
      s.async = true;
      var finish = function () {
        var raw = self.W.cells[key];
        delete self.W.cells[key];
        self.cells[key] = !raw ? { land: [], labels: [] } : m[1] === "o" ?
          { land: decodeLand(raw.land, band.q, raw.clip) } : { labels: decodeLabels(raw.labels) };
        var cbs = self.waiting[key];
        delete self.waiting[key];
        s.remove();
        cbs.forEach(function (f) { f(); });
      };
      var later = function () { (P.whenFree || function (f) { f(); })(finish); };
      s.onload = later;
      s.onerror = later;
      document.head.appendChild(s);
    });
    if (left === 0) done();
  };

  // mercator returns lon, lat as Web Mercator x, y in [0, 1].
  function mercX(lon) { return (lon + 180) / 360; }
  function mercY(lat) {
    lat = Math.max(-85.0511, Math.min(85.0511, lat));
    var s = Math.sin(lat * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  // decodeLand turns polygons of delta-encoded quanta into rings of
  // Mercator x, y (Float64Array) with their bounds. An edge that lies along
  // the cell's clip bound (clip, in quanta) is marked so as not to be stroked.
  //
  // A latitude's Mercator y is worked out once per quantum (mercYOf): the
  // world script's 9,000 latitudes stand for about ten times as many
  // vertices, and a sine and a logarithm each were most of its decoding.
  // (Not for the finest band, whose table would take 3 MB.)
  var mercYTables = {};
  function mercYOf(q) {
    if (90 / q > 100000) return function (y) { return mercY(y * q); };
    var t = mercYTables[q];
    if (!t) {
      t = mercYTables[q] = new Float64Array(2 * Math.round(90 / q) + 1);
      t.fill(NaN);
    }
    var off = Math.round(90 / q);
    return function (y) {
      var v = t[y + off];
      if (v !== v) v = t[y + off] = mercY(y * q);
      return v;
    };
  }
  function decodeLand(polys, q, clip) {
    var yOf = mercYOf(q), off = Math.round(90 / q);
    return polys.map(function (rings) {
      var bx0 = 1, by0 = 1, bx1 = 0, by1 = 0;
      var out = rings.map(function (flat) {
        var n = flat.length / 2, xy = new Float64Array(flat.length), cut = clip ? new Uint8Array(n) : null;
        var x = 0, y = 0, px = 0, py = 0;
        for (var i = 0; i < n; i++) {
          x += flat[2 * i];
          y += flat[2 * i + 1];
          var mx = mercX(x * q), my = y >= -off && y <= off ? yOf(y) : mercY(y * q);
          xy[2 * i] = mx;
          xy[2 * i + 1] = my;
          if (mx < bx0) bx0 = mx;
          if (mx > bx1) bx1 = mx;
          if (my < by0) by0 = my;
          if (my > by1) by1 = my;
          if (cut && i > 0 && ((x === px && (x === clip[0] || x === clip[2])) || (y === py && (y === clip[1] || y === clip[3])))) cut[i] = 1;
          px = x;
          py = y;
        }
        return { xy: xy, cut: cut };
      });
      return { rings: out, b: [bx0, by0, bx1, by1] };
    });
  }

  function decodeLabels(list) {
    return list.map(function (l) {
      return { name: l[0], lon: l[1], lat: l[2], kind: l[3], min: l[4], max: l[5] };
    });
  }

  // ---- The land: canvas tiles ---------------------------------------------------

  // drawLand paints polygons onto a tile's canvas: x, y, z the tile, r the
  // device pixel ratio.
  //
  // Up to zoom SHARED_ZOOM, a polygon's paths are made once per zoom, in
  // pixels of the whole world at that zoom, and each tile it touches adds
  // them moved to its corner: a first view of the world draws about 20
  // tiles, most polygons touch several, and making their paths again for
  // each was most of the tiles' time. Further in, a tile's own paths keep
  // the numbers small (Path2D holds single-precision floats).
  var SHARED_ZOOM = 7;
  function drawLand(ctx, polys, x, y, z, r) {
    var scale = 256 * Math.pow(2, z), ox = x * 256, oy = y * 256;
    var tx0 = x / Math.pow(2, z), ty0 = y / Math.pow(2, z), t = 1 / Math.pow(2, z), pad = t / 64;
    var fill = new Path2D(), stroke = new Path2D();
    var shift = z <= SHARED_ZOOM && typeof DOMMatrix === "function" ? new DOMMatrix([1, 0, 0, 1, -ox, -oy]) : null;
    polys.forEach(function (p) {
      if (p.b[0] > tx0 + t + pad || p.b[2] < tx0 - pad || p.b[1] > ty0 + t + pad || p.b[3] < ty0 - pad) return;
      if (shift) {
        var paths = p.paths || (p.paths = {}), own = paths[z];
        if (!own) {
          own = paths[z] = { fill: new Path2D(), stroke: new Path2D() };
          tracePolygon(own.fill, own.stroke, p, scale, 0, 0);
        }
        fill.addPath(own.fill, shift);
        stroke.addPath(own.stroke, shift);
        return;
      }
      tracePolygon(fill, stroke, p, scale, ox, oy);
    });
    ctx.setTransform(r, 0, 0, r, 0, 0);
    ctx.fillStyle = COLORS.land;
    ctx.fill(fill, "evenodd");
    ctx.lineWidth = z >= 9 ? 1 : 0.7;
    ctx.lineJoin = "round";
    ctx.strokeStyle = COLORS.coast;
    ctx.stroke(stroke);
  }

  // tracePolygon adds polygon p's rings to the fill path and its coast
  // (the edges not cut by a cell's bound) to the stroke path, at scale,
  // less ox, oy.
  function tracePolygon(fill, stroke, p, scale, ox, oy) {
    p.rings.forEach(function (ring) {
      var xy = ring.xy, cut = ring.cut, n = xy.length / 2;
      for (var i = 0; i < n; i++) {
        var px = xy[2 * i] * scale - ox, py = xy[2 * i + 1] * scale - oy;
        if (i === 0) { fill.moveTo(px, py); stroke.moveTo(px, py); }
        else {
          fill.lineTo(px, py);
          if (cut && cut[i]) stroke.moveTo(px, py);
          else stroke.lineTo(px, py);
        }
      }
      fill.closePath();
    });
  }

  // tileBounds returns a tile's west, south, east, north in degrees.
  function tileBounds(x, y, z) {
    var n = Math.pow(2, z);
    var lat = function (v) { return Math.atan(Math.sinh(Math.PI * (1 - 2 * v / n))) * 180 / Math.PI; };
    return [x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)];
  }

  function landLayer(L, data, pane) {
    var Land = L.GridLayer.extend({
      createTile: function (c, done) {
        var tile = document.createElement("canvas"), r = window.devicePixelRatio || 1;
        tile.width = tile.height = 256 * r;
        var band = data.band(c.z), keys = data.keys(band, tileBounds(c.x, c.y, c.z), "o");
        data.need(keys, function () {
          var ctx = tile.getContext("2d");
          if (!keys.length) drawLand(ctx, data.world, c.x, c.y, c.z, r);
          keys.forEach(function (k) { drawLand(ctx, data.cells[k].land, c.x, c.y, c.z, r); });
          // Leaflet files the tile after createTile returns: report it ready after that.
          Promise.resolve().then(function () { done(null, tile); });
        });
        return tile;
      }
    });
    return new Land({ pane: pane, attribution: "Natural Earth", keepBuffer: 1, updateWhenZooming: false,
      maxNativeZoom: 14, maxZoom: 19 });
  }

  // ---- Labels ----------------------------------------------------------------

  var STYLE = [
    // country, region, city, district
    { font: "600 11px system-ui, sans-serif", upper: true, spacing: "0.08em", color: "#5d5a52", dot: false },
    { font: "500 10.5px system-ui, sans-serif", upper: true, spacing: "0.06em", color: "#85807a", dot: false },
    { font: "500 12.5px system-ui, sans-serif", upper: false, spacing: "0", color: "#2b2b2b", dot: true },
    { font: "italic 500 11.5px system-ui, sans-serif", upper: false, spacing: "0", color: "#5a5148", dot: false }
  ];
  var HALO = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px rgba(255,255,255,.8)";

  // labelLayer places labels on the map: A the map page (for the markers
  // to keep clear of), data the base-map data.
  function labelLayer(L, map, data, A, pane) {
    var measure = document.createElement("canvas").getContext("2d"), widths = {}, measureFont = "";
    var paneEl = map.getPane(pane), pool = [], placed = [];

    function width(text, kind) {
      var k = kind + "\u0001" + text;
      if (widths[k] == null) {
        if (measureFont !== STYLE[kind].font) measure.font = measureFont = STYLE[kind].font; // set only when it changes: each set parses it
        widths[k] = measure.measureText(text).width + (STYLE[kind].upper ? text.length * 0.9 : 0);
      }
      return widths[k];
    }

    // candidates returns the labels of the loaded scripts for zoom z and
    // view bounds b, in order of importance.
    function candidates(z, b) {
      var lists = [data.worldLabels];
      for (var i = 1; i <= data.band(z); i++) {
        data.keys(i, b, "l").forEach(function (k) { if (data.cells[k]) lists.push(data.cells[k].labels); });
      }
      var out = [];
      lists.forEach(function (list) {
        list.forEach(function (l) { if (z >= l.min && z <= l.max) out.push(l); });
      });
      return out.sort(function (a, b) { return a.min - b.min || a.kind - b.kind; });
    }

    // obstacles are the boxes of the markers drawn on the map: the records
    // and clusters on canvas, and the badges of records across a whole
    // country or region, centred on their point, by the size map-areas.js
    // gives them (it.size). Nothing is read from the page: reading an
    // element's box forces a layout.
    function obstacles() {
      var out = [];
      ((A && A.drawn && A.drawn.items) || []).forEach(function (it) {
        var p = map.latLngToContainerPoint(it.ll);
        if (it.size) {
          var hw = it.size[0] / 2 + 1, hh = it.size[1] / 2 + 1;
          out.push([p.x - hw, p.y - hh, p.x + hw, p.y + hh]);
          return;
        }
        var rr = it.cluster != null ? CLUSTER_RADIUS : MARKER_RADIUS;
        out.push([p.x - rr, p.y - rr, p.x + rr, p.y + rr]);
      });
      return out;
    }

    function hits(box, boxes) {
      for (var i = 0; i < boxes.length; i++) {
        var o = boxes[i];
        if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) return true;
      }
      return false;
    }

    function elementFor(i) {
      if (!pool[i]) {
        var e = document.createElement("div");
        e.className = "basemap-label";
        e.setAttribute("aria-hidden", "true");
        var s = e.style;
        s.position = "absolute";
        s.whiteSpace = "nowrap";
        s.pointerEvents = "none";
        s.textShadow = HALO;
        s.lineHeight = "1.15";
        paneEl.appendChild(e);
        pool[i] = e;
      }
      return pool[i];
    }

    var placedView = ""; // the view place last worked for
    function viewKey() { return map.getZoom() + "|" + map.getBounds().toBBoxString(); }

    function place() {
      placedView = viewKey();
      var z = Math.round(map.getZoom()), size = map.getSize(), bounds = map.getBounds();
      var b = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
      var centre = map.getCenter().lng, boxes = obstacles(), n = 0;
      placed = [];
      candidates(z, wrapBounds(b)).some(function (l) {
        var lon = l.lon + 360 * Math.round((centre - l.lon) / 360); // the copy of the world in view
        var p = map.latLngToContainerPoint([l.lat, lon]);
        if (p.x < -50 || p.y < -20 || p.x > size.x + 50 || p.y > size.y + 20) return false;
        var st = STYLE[l.kind], text = st.upper ? l.name.toUpperCase() : l.name;
        var w = width(text, l.kind), h = 14;
        var dot = st.dot ? [p.x - 3, p.y - 3, p.x + 3, p.y + 3] : null;
        var spots;
        if (dot && (hits(dot, boxes) || hits(dot, placed))) {
          // A marker or label covers the place itself: name it from beside
          // the marker, without the dot, if it is a town of some size.
          if (l.min > 8 || hits(dot, placed)) return false;
          dot = null;
          spots = [];
          [16, 30].forEach(function (d) {
            spots.push([p.x + d, p.y - h / 2], [p.x - d - w, p.y - h / 2], [p.x - w / 2, p.y - h - d], [p.x - w / 2, p.y + d]);
          });
        } else if (dot) {
          spots = [[p.x + 5, p.y - h / 2], [p.x - 5 - w, p.y - h / 2], [p.x - w / 2, p.y - h - 4], [p.x - w / 2, p.y + 4]];
        } else {
          // An area's name may move a little within the area to keep
          // clear of a marker on its centre.
          spots = [[0, 0], [0, -18], [0, 18], [0, -36], [0, 36], [-w / 2 - 30, 0], [w / 2 + 30, 0], [0, -54], [0, 54]].map(function (d) {
            return [p.x - w / 2 + d[0], p.y - h / 2 + d[1]];
          });
        }
        for (var i = 0; i < spots.length; i++) {
          var box = [spots[i][0] - 2, spots[i][1] - 1, spots[i][0] + w + 2, spots[i][1] + h + 1];
          if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) continue;
          if (hits(box, boxes) || hits(box, placed)) continue;
          placed.push(box);
          if (dot) placed.push(dot);
          show(n++, l, text, st, spots[i], p, box, !!dot);
          break;
        }
        return n >= MAX_LABELS;
      });
      for (var i = n; i < pool.length; i++) pool[i].style.display = "none";
      shown = n;
    }

    var shown = 0;
    // show puts label l in element i of the pool. An element that shows
    // the same label at the same place is left as it is: a filter step
    // places the labels again, most of them where they were, and writing
    // their styles anew cost it a style and layout pass over all of them.
    function show(i, l, text, st, at, p, box, dot) {
      var e = elementFor(i), s = e.style;
      var origin = map.containerPointToLayerPoint([0, 0]);
      var key = [l.kind, l.name, map.getZoom(), at[0], at[1], origin.x, origin.y, dot ? p.x - at[0] : ""].join("|");
      if (e.labelKey === key && s.display !== "none") return;
      e.labelKey = key;
      e.textContent = "";
      e.dataset.kind = ["country", "region", "city", "district"][l.kind];
      e.dataset.box = box.map(Math.round).join(",");
      s.display = "";
      s.font = st.font;
      s.color = st.color;
      s.letterSpacing = st.spacing;
      s.textTransform = st.upper ? "uppercase" : "none";
      if (dot) {
        var d = document.createElement("span"), ds = d.style;
        ds.position = "absolute";
        ds.width = ds.height = "5px";
        ds.borderRadius = "50%";
        ds.background = "#4a4640";
        ds.boxShadow = "0 0 0 1.5px #fff";
        ds.left = (p.x - at[0] - 2.5) + "px";
        ds.top = (p.y - at[1] - 2.5) + "px";
        e.appendChild(d);
      }
      e.appendChild(document.createTextNode(l.name));
      // By left and top, not Leaflet's 3D transform: a label is not a
      // composited layer of its own.
      s.left = (at[0] + origin.x) + "px";
      s.top = (at[1] + origin.y) + "px";
    }

    var timer = 0;
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var z = Math.round(map.getZoom()), bounds = map.getBounds();
        var b = wrapBounds([bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]);
        var keys = [];
        for (var i = 1; i <= data.band(z); i++) keys = keys.concat(data.keys(i, b, "l"));
        // The map's draw (map-draw.js) places the labels when the markers
        // move; they are placed here again only for a view it has not
        // drawn, and when the label scripts of the view come in.
        if (placedView !== viewKey()) place();
        if (keys.some(function (k) { return !data.cells[k]; })) data.need(keys, place);
      }, 0);
    }
    map.on("zoomstart", function () { paneEl.style.visibility = "hidden"; });
    map.on("zoomend", function () { paneEl.style.visibility = ""; });
    map.on("moveend resize", schedule);
    schedule();
    return {
      place: place,
      // placed returns the labels on screen, for tests and readers' scripts.
      placed: function () {
        return pool.slice(0, shown).map(function (e) { return { name: e.textContent, kind: e.dataset.kind, box: e.dataset.box.split(",").map(Number) }; });
      }
    };
  }

  // wrapBounds brings a view's west and east into [-180, 180], taking the
  // whole width when the view spans the antimeridian.
  function wrapBounds(b) {
    var w = b[0], e = b[2];
    if (e - w >= 360) return [-180, b[1], 180, b[3]];
    w = ((w + 180) % 360 + 360) % 360 - 180;
    e = w + (b[2] - b[0]);
    if (e > 180) return [-180, b[1], 180, b[3]];
    return [w, b[1], e, b[3]];
  }

  // ---- The publisher's street map (PMTiles) ---------------------------------

  // probePMTiles asks the host for the archive's first bytes and calls
  // done(null) when it answered with them as a byte range, or done(reason).
  function probePMTiles(url, done) {
    if (location.protocol === "file:" || !window.fetch) {
      done("the street map needs the site served over http(s); opened from disk, the offline map is shown");
      return;
    }
    fetch(url, { headers: { Range: "bytes=0-126" } }).then(function (res) {
      if (res.status !== 206) throw new Error(res.status === 200 ?
        "the host does not answer byte-range requests, which the street map needs" : "HTTP " + res.status);
      return res.arrayBuffer();
    }).then(function (buf) {
      var b = new Uint8Array(buf);
      if (b.length < 8 || String.fromCharCode.apply(null, b.subarray(0, 7)) !== "PMTiles" || b[7] !== 3) throw new Error("not a PMTiles v3 archive");
      done(null);
    }).catch(function (err) { done(err.message || String(err)); });
  }

  function streetLayer(L, url, lang) {
    return window.protomapsL.leafletLayer({ url: url, flavor: "light", lang: lang || "en", pane: "basemap",
      attribution: '© <a href="https://www.openstreetmap.org/copyright" rel="noopener noreferrer">OpenStreetMap</a>', maxZoom: 19 });
  }

  // ---- Installing ---------------------------------------------------------------

  // install adds the base map to the map page A: the offline land and
  // labels (A.base), the publisher's street map when there is one, the
  // tile layers site.toml configures, and a switcher between them.
  function install(A) {
    var L = A.L, map = A.map, W = window.MAPSITE_BASEMAP;
    map.createPane("basemap").style.zIndex = 150;
    map.createPane("basemap-labels").style.zIndex = 380;
    map.getPane("basemap-labels").style.pointerEvents = "none";
    var choices = {};
    if (W) {
      var data = new Data(W);
      var land = landLayer(L, data, "basemap");
      var labels = labelLayer(L, map, data, A, "basemap-labels");
      A.base = land;
      A.placeLabels = labels.place;
      A.basemapLabels = labels.placed;
      land.addTo(map);
      choices["Offline map"] = land;
      // Labels follow the offline map: another base map has its own.
      map.on("baselayerchange", function (e) {
        map.getPane("basemap-labels").style.display = e.layer === land ? "" : "none";
      });
    }
    var street = W && W.street;
    if (street && window.protomapsL) {
      probePMTiles(street, function (reason) {
        if (reason) {
          note(A, "Street map unavailable: " + reason + ".");
          return;
        }
        var layer = streetLayer(L, street, W.lang);
        choices["Street map"] = layer;
        if (A.base) map.removeLayer(A.base);
        map.getPane("basemap-labels").style.display = "none";
        layer.addTo(map);
        A.street = layer;
        switcher();
      });
    }
    A.tiles.forEach(function (t) {
      // The control sets a label's innerHTML: the name goes in escaped.
      choices[P.html(t.name || "Tiles")] = L.tileLayer(t.url, { attribution: P.html(t.attribution), maxZoom: t.max_zoom || 19 });
    });
    var control = null;
    function switcher() {
      if (control) control.remove();
      if (Object.keys(choices).length > 1) control = L.control.layers(choices, null, { collapsed: true }).addTo(map);
    }
    switcher();
  }

  // note shows a short message on the map.
  function note(A, text) {
    var Note = A.L.Control.extend({
      options: { position: "topright" },
      onAdd: function () { return P.el("div", "outline-note", text); }
    });
    new Note().addTo(A.map);
  }

  // countryShapes returns the countries of the world script as GeoJSON
  // features (MultiPolygon, lon and lat, properties.cc the ISO code), cut
  // at the antimeridian: the outlines that area records are drawn with.
  // countryShape decodes one country's polygons only, when first asked
  // for, and countryPolygonsAt finds the polygons that may hold a point by
  // bounds worked out from their deltas, without decoding the others: a
  // map whose records lie in a territory without an outline of its own
  // decoded every country before its first markers.
  var codes = null, codeOrder = [], shapeByCode = {}, outerBounds = null;
  function countryCodes() {
    var W = window.MAPSITE_BASEMAP;
    if (codes || !W) return codes || {};
    codes = {};
    W.land.forEach(function (rings, i) {
      var cc = W.cc[i] || "";
      if (!cc) return;
      if (!codes[cc]) { codes[cc] = []; codeOrder.push(cc); }
      codes[cc].push(i);
    });
    return codes;
  }
  function decodeRing(flat, q) {
    var out = [], x = 0, y = 0;
    for (var j = 0; j < flat.length; j += 2) {
      x += flat[j];
      y += flat[j + 1];
      out.push([x * q, y * q]);
    }
    return out;
  }
  function countryShape(cc) {
    var W = window.MAPSITE_BASEMAP, list = countryCodes()[cc];
    if (!list) return null;
    if (!shapeByCode[cc]) {
      var q = W.bands[0].q;
      shapeByCode[cc] = { type: "Feature", properties: { cc: cc }, geometry: { type: "MultiPolygon",
        coordinates: list.map(function (i) { return W.land[i].map(function (flat) { return decodeRing(flat, q); }); }) } };
    }
    return shapeByCode[cc];
  }
  function countryShapes() {
    countryCodes();
    return codeOrder.map(countryShape);
  }
  // countryPolygonsAt returns, in the order of countryShapes and their
  // polygons, [code, polygon] for each country polygon whose outer ring's
  // bounds hold lon, lat.
  function countryPolygonsAt(lon, lat) {
    var W = window.MAPSITE_BASEMAP, out = [];
    if (!W) return out;
    var q = W.bands[0].q, all = countryCodes();
    if (!outerBounds) {
      outerBounds = new Float64Array(4 * W.land.length);
      W.land.forEach(function (rings, i) {
        var flat = rings[0], x = 0, y = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (var j = 0; j < flat.length; j += 2) {
          x += flat[j];
          y += flat[j + 1];
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
        outerBounds.set([x0 * q, y0 * q, x1 * q, y1 * q], 4 * i);
      });
    }
    codeOrder.forEach(function (cc) {
      all[cc].forEach(function (i, k) {
        var b = 4 * i;
        if (lon >= outerBounds[b] && lon <= outerBounds[b + 2] && lat >= outerBounds[b + 1] && lat <= outerBounds[b + 3]) {
          out.push([cc, countryShape(cc).geometry.coordinates[k]]);
        }
      });
    });
    return out;
  }

  P.basemap = { install: install, wrapBounds: wrapBounds, countryShapes: countryShapes, countryShape: countryShape,
    countryPolygonsAt: countryPolygonsAt };
})(window.mapsiteParts = window.mapsiteParts || {});
