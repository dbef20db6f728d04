// map-draw.js draws the records on the map: layer symbols and clusters on
// a canvas (Leaflet's canvas renderer, extended), clustered with
// supercluster, and the links between related records.
(function (P) {
  "use strict";

  var CLUSTER_RADIUS = 80;

  // clusterOptions returns supercluster's options.
  function clusterOptions(maxZoom) {
    return {
      // From zoom 2, the map's least: zooms 0 and 1 are never drawn.
      // radius is in supercluster's 512-unit tiles, twice Leaflet's
      // 256-pixel ones: points closer than 40 pixels on screen cluster,
      // so that badges (26 to 52 pixels across) seldom overlap.
      radius: CLUSTER_RADIUS, minZoom: 2, maxZoom: maxZoom, minPoints: 2,
      // Per-layer counts as flat keys c0, c1, … (supercluster copies
      // properties shallowly, so a nested array would be shared). Each
      // point carries its own (c2: 1), so that no map function makes an
      // object for every point at every zoom: that was a quarter of the
      // clustering at 100,000 records. A cluster starts as a copy of its
      // first point's properties; only the counts add up.
      reduce: addCounts
    };
  }
  function addCounts(acc, p) {
    for (var k in p) if (k.charCodeAt(0) === 99) acc[k] = (acc[k] || 0) + p[k]; // "c…"
  }

  // countKey returns the name of layer li's count, "c" + li, made once
  // per layer (a string made anew for each point is slow to look up).
  var countKeys = [];
  function countKey(li) { return countKeys[li] || (countKeys[li] = "c" + li); }

  // pointOf returns the point supercluster reads for record i of layer li.
  function pointOf(i, li, lon, lat) {
    var props = { i: i, li: li };
    props[countKey(li)] = 1;
    return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: props, spot: undefined, x: 0, y: 0 };
  }

  // loadGrouped loads points into index, a Supercluster made with
  // clusterOptions, as index.load(points) does, with the same clusters at
  // every zoom (their counts, centres, layer counts, leaves and expansion
  // zooms; only their ids differ), but clusters the points that share one
  // spot as one input of that weight, as supercluster clusters the
  // clusters of a zoom at the next. Records crowd at the places they are
  // located at (8,777 points at 639 spots in a synthetic site of 10,000
  // records): the clustering then works on the spots, and the points'
  // own tree, which only a group's leaves need, is made when first asked
  // for. A point's spot and projected position are worked out once
  // (spotOf), not at every filter step. It reads supercluster's internals
  // (its flat arrays, trees, _createTree and _cluster, version 8): a
  // browser test compares the two. With clusterOptions' reduce and no map
  // of its own, a group adds up its points' counts directly: each point
  // has one (pointOf), where reduce looked at every property of every
  // point (7-8 ms a filter step at 100,000 records).
  //
  // The points are made by pointOf. at, when given, holds their spots,
  // positions and layer indices (placesOf) as typed arrays in the order
  // of points, kept by the caller: the clustering then reads a point
  // itself only where it starts a group (reading 100,000 points cost a
  // filter step 10-15 ms, most of it waiting for memory).
  var ZOOM = 2, ID = 3, PARENT = 4, NUM = 5;
  function loadGrouped(index, points, at) {
    var o = index.options, stride = index.stride, n = points.length;
    if (stride !== 7 || !o.reduce || !index._cluster || !index._createTree || !index.trees) return index.load(points);
    var top = o.maxZoom + 2, i, k, p, s;
    if (!at) at = placesOf(points);
    var spot = at.spot, xs = at.x, ys = at.y, lis = at.li;
    // Each spot's first point, and for each point the next at its spot.
    var first = new Int32Array(spotCount).fill(-1), last = new Int32Array(spotCount), after = new Int32Array(n).fill(-1);
    for (i = 0; i < n; i++) {
      s = spot[i];
      if (first[s] < 0) first[s] = i; else after[last[s]] = i;
      last[s] = i;
    }
    index.points = points;
    // The groups, in the order of their first points (the order in which
    // supercluster would come to them), as the clusters of zoom top - 1;
    // each point's parent is its group.
    var next = [], parent = new Float64Array(n).fill(-1), map = o.map, reduce = o.reduce;
    var counted = reduce === addCounts && !Object.prototype.hasOwnProperty.call(o, "map"), ck;
    for (i = 0; i < n; i++) {
      if (first[spot[i]] !== i) continue;
      if (after[i] < 0) { // alone at its spot
        next.push(xs[i], ys[i], Infinity, i, -1, 1, 0);
        continue;
      }
      p = points[i];
      var id = (i << 5) + top + n, w = 0; // supercluster's ids: the first point's index, and zoom + 1
      var props = Object.assign({}, map(p.properties));
      for (var m = i; m >= 0; m = after[m]) {
        parent[m] = id;
        w++;
        if (m === i) continue; // the group's props start as its first point's
        if (counted) { // a point counts 1 (pointOf)
          ck = countKey(lis[m]);
          props[ck] = (props[ck] || 0) + 1;
        } else {
          reduce(props, map(points[m].properties));
        }
      }
      index.clusterProps.push(props);
      next.push(xs[i], ys[i], Infinity, id, -1, w, index.clusterProps.length - 1);
    }
    // The points' own tree, for a group's children.
    var trees = index.trees;
    Object.defineProperty(trees, top, { configurable: true, enumerable: true, get: function () {
      var data = new Float64Array(n * stride);
      for (var j = 0; j < n; j++) {
        var b = j * stride;
        data[b] = xs[j];
        data[b + 1] = ys[j];
        data[b + ZOOM] = Infinity;
        data[b + ID] = j;
        data[b + PARENT] = parent[j];
        data[b + NUM] = 1;
      }
      var tree = index._createTree(data);
      Object.defineProperty(trees, top, { value: tree, configurable: true, enumerable: true, writable: true });
      return tree;
    } });
    var tree = trees[o.maxZoom + 1] = index._createTree(next);
    for (var z = o.maxZoom; z >= o.minZoom; z--) tree = trees[z] = index._createTree(index._cluster(tree, z));
    return index;
  }

  // placesOf returns the spots, positions and layer indices of points
  // (of pointOf) for loadGrouped.
  function placesOf(points) {
    var n = points.length, at = { spot: new Int32Array(n), x: new Float64Array(n), y: new Float64Array(n), li: new Int32Array(n) };
    for (var i = 0; i < n; i++) {
      var p = points[i];
      if (p.spot === undefined) spotOf(p);
      at.spot[i] = p.spot;
      at.x[i] = p.x;
      at.y[i] = p.y;
      at.li[i] = p.properties.li;
    }
    return at;
  }

  // spotOf gives point p (of pointOf) its spot, a number shared by the
  // points at the same longitude and latitude, and its position as
  // supercluster projects it (x, y).
  var spots = new Map(), spotCount = 0;
  function spotOf(p) {
    var c = p.geometry.coordinates, byLat = spots.get(c[0]);
    if (!byLat) spots.set(c[0], byLat = new Map());
    var s = byLat.get(c[1]);
    if (s === undefined) byLat.set(c[1], s = spotCount++);
    p.spot = s;
    p.x = Math.fround(c[0] / 360 + 0.5);
    p.y = Math.fround(latY(c[1]));
  }

  // latY is supercluster's latitude to Mercator y in [0, 1].
  function latY(lat) {
    var sin = Math.sin(lat * Math.PI / 180);
    var y = 0.5 - 0.25 * Math.log((1 + sin) / (1 - sin)) / Math.PI;
    return y < 0 ? 0 : y > 1 ? 1 : y;
  }

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

  // defineLeafletParts adds the canvas-drawn record and cluster markers to
  // Leaflet, once.
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
    // LinkSet is every link shown between related records, as one layer
    // drawn in one path: a filter step sets its lines (setLines), where a
    // Leaflet polyline each cost 20 ms at 10,000 records to take off the
    // map and put back.
    L.LinkSet = L.Path.extend({
      options: { interactive: false },
      initialize: function (options) {
        L.setOptions(this, options);
        this._lines = [];
      },
      // setLines draws lines, each [[lat, lon], [lat, lon]] (a line may
      // keep, as its field p, its ends projected at zoom 0).
      setLines: function (lines) {
        this._lines = lines;
        return this.redraw();
      },
      // _project puts the lines' ends in layer pixels. Each end is
      // projected once, at zoom 0, and scaled to the zoom (the map's
      // projection is linear in its scale): where latLngToLayerPoint for
      // each took 15-20 ms at 10,000 records, at every draw.
      _project: function () {
        var map = this._map, pts = this._pts = [], w = this.options.weight;
        var s = map.getZoomScale(map.getZoom(), 0), o = map.getPixelOrigin();
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        this._lines.forEach(function (l) {
          var p = l.p;
          if (!p) {
            var a = map.project(l[0], 0), b = map.project(l[1], 0);
            p = l.p = [a.x, a.y, b.x, b.y];
          }
          for (var k = 0; k < 4; k += 2) {
            var x = p[k] * s - o.x, y = p[k + 1] * s - o.y;
            pts.push({ x: x, y: y });
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
        });
        this._pxBounds = pts.length ? new L.Bounds([x0 - w, y0 - w], [x1 + w, y1 + w]) : null;
      },
      _update: function () {
        if (this._map) this._updatePath();
      },
      _updatePath: function () { this._renderer._updateLinks(this); },
      _empty: function () { return !this._lines.length; },
      _containsPoint: function () { return false; }
    });
    L.Canvas.include({
      _updateLinks: function (layer) {
        if (!this._drawing || layer._empty()) return;
        var ctx = this._ctx, pts = layer._pts, o = layer.options;
        ctx.beginPath();
        for (var i = 0; i + 1 < pts.length; i += 2) {
          ctx.moveTo(pts[i].x, pts[i].y);
          ctx.lineTo(pts[i + 1].x, pts[i + 1].y);
        }
        ctx.globalAlpha = o.opacity;
        ctx.lineWidth = o.weight;
        ctx.strokeStyle = o.color;
        ctx.lineCap = "round";
        ctx.stroke();
      },
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
        // A dark edge outside the symbol keeps it at 3:1 or more against
        // land and sea, whatever the layer's colour (WCAG 1.4.11).
        ctx.beginPath();
        tracePath(ctx, o.symbol, p.x, p.y, Math.max(layer._radius, 1));
        ctx.globalAlpha = 1;
        ctx.lineJoin = "round";
        ctx.lineWidth = o.weight + 2 * o.edgeWidth;
        ctx.strokeStyle = o.edge;
        ctx.stroke();
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
        ctx.lineWidth = EDGE_WIDTH * 2;
        ctx.strokeStyle = EDGE;
        ctx.stroke();
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
        ctx.fillText(P.num(o.total), p.x, p.y + 0.5);
      }
    });
  }

  // markerOptions styles a record by its layer and location precision:
  // solid for a venue or neighbourhood, hollow when approximate (district,
  // city, region), hollow and ringed when only the country is known.
  //
  // Every symbol and cluster has a dark edge (EDGE) outside it: Okabe–Ito
  // orange and pink reach only 2:1 against the pale land on their own.
  var EDGE = "#1b1b1b", EDGE_WIDTH = 1.1;
  function markerOptions(layer, precision, renderer) {
    var o = { renderer: renderer, symbol: layer.symbol, color: layer.color, fillColor: layer.color, radius: 6.5,
      weight: 1.5, opacity: 1, fillOpacity: 1, ring: 0, edge: EDGE, edgeWidth: EDGE_WIDTH };
    if (precision === "venue" || precision === "neighbourhood") {
      o.color = "#fff";
    } else {
      o.fillColor = "#fff";
      o.fillOpacity = 1;
      o.weight = 2.6;
      o.radius = 5.8;
      if (precision === "country") o.ring = 15;
    }
    return o;
  }

  // install gives the map page A its drawing: A.rebuildIndex clusters the
  // filtered records, A.draw puts clusters and points of the view on the
  // map, A.drawLinks the links between related records.
  function install(A) {
    var L = A.L, map = A.map;
    defineLeafletParts(L);
    var touch = L.Browser.touch || L.Browser.mobile;
    map.createPane("links").style.zIndex = 420;
    map.createPane("records").style.zIndex = 450;
    var linkRenderer = L.canvas({ pane: "links" });
    var recordRenderer = L.canvas({ pane: "records", tolerance: touch ? 10 : 3 });
    var linkSet = new L.LinkSet({ renderer: linkRenderer, color: "#2b2b2b", weight: 1, opacity: 0.4 }).addTo(map);
    var markerGroup = L.layerGroup().addTo(map);

    // filteredPoints returns the points of the filtered records, to
    // cluster, and their places (as placesOf gives them): records that
    // stand for a whole country or region are drawn as that area
    // (map-areas.js), never clustered with points. Each record's point is
    // made once (supercluster only reads it), and it and its place are
    // kept by the record's index (all), so that a filter step reads the
    // mask of what it keeps and these arrays, not each record and point.
    var all = null, pointsFor = null;
    function filteredPoints() {
      var rs = A.records, mask = P.data.maskOf(A), pts = [];
      if (pointsFor !== rs) {
        pointsFor = rs;
        var m = rs.length;
        all = { point: new Array(m), spot: new Int32Array(m), x: new Float64Array(m), y: new Float64Array(m), li: new Int32Array(m) };
        rs.forEach(function (r, k) {
          all.point[k] = null;
          if (r.area) return;
          var q = r.point || (r.point = pointOf(r.i, r.layer.index, r.lon, r.lat));
          if (q.spot === undefined) spotOf(q);
          all.point[k] = q;
          all.spot[k] = q.spot;
          all.x[k] = q.x;
          all.y[k] = q.y;
          all.li[k] = q.properties.li;
        });
      }
      var at = { spot: new Int32Array(rs.length), x: new Float64Array(rs.length), y: new Float64Array(rs.length), li: new Int32Array(rs.length) };
      for (var k = 0, n = 0; k < mask.length; k++) {
        if (!mask[k] || !all.point[k]) continue;
        pts.push(all.point[k]);
        at.spot[n] = all.spot[k];
        at.x[n] = all.x[k];
        at.y[n] = all.y[k];
        at.li[n++] = all.li[k];
      }
      return { points: pts, at: { spot: at.spot.subarray(0, n), x: at.x.subarray(0, n), y: at.y.subarray(0, n), li: at.li.subarray(0, n) } };
    }

    A.rebuildIndex = function () {
      A.indexVersion = (A.indexVersion || 0) + 1;
      var f = filteredPoints();
      A.index = loadGrouped(new window.Supercluster(clusterOptions(A.maxZoom)), f.points, f.at);
    };

    function viewBBox() {
      var b = map.getBounds();
      var w = b.getWest(), e = b.getEast();
      if (e - w >= 360) { w = -180; e = 180; }
      return [Math.max(-180, w), Math.max(-85, b.getSouth()), Math.min(180, e), Math.min(85, b.getNorth())];
    }

    // A.draw draws the records in view: the points and clusters, the
    // areas, the open record's ring and the list (with opt.listLater, the
    // list after the next frame is painted). When the filters and the view
    // are as last drawn (a popup that opens or closes), only the marks of
    // the open record change.
    var pointsKey = null, points = null, selectedRing = null;
    A.draw = function (opt) {
      var key = A.indexVersion + "|" + map.getZoom() + "|" + map.getBounds().toBBoxString();
      var moved = key !== pointsKey;
      if (moved) {
        points = drawPoints();
        pointsKey = key;
        A.drawn = { clusters: points.clusters, points: points.points, areas: 0,
          byLayer: Object.assign({}, points.byLayer), items: points.items.slice() };
      }
      var drawn = A.drawn;
      if (A.drawAreas) A.drawAreas(!moved);
      if (selectedRing) { markerGroup.removeLayer(selectedRing); selectedRing = null; }
      if (A.selected && drawn.items.some(function (it) { return it.id === A.selected; })) {
        var s = A.byId[A.selected];
        selectedRing = L.circleMarker([s.lat, s.lon], { renderer: recordRenderer, radius: 12, weight: 2.5,
          color: "#1b1b1b", fill: false, interactive: false });
        markerGroup.addLayer(selectedRing);
      }
      A.highlight(highlighted);
      if (opt && opt.listLater) listLater(!moved);
      else {
        var pending = listPending;
        listPending = false;
        A.drawList(!moved && !pending);
      }
      if (moved && A.placeLabels) A.placeLabels(); // base-map labels keep clear of the markers
      if (!firstDrawn && drawn.items.length) {
        firstDrawn = true;
        if (window.performance && performance.mark) performance.mark("mapsite:markers-drawn");
      }
    };
    var firstDrawn = false;

    // listLater lists the records of the view in the task after the next
    // frame, unless a draw lists them before (selectionOnly: only the open
    // record's mark has changed since the list was made). Until then the
    // list says it is busy (A.listStale).
    var listPending = false;
    function listLater(selectionOnly) {
      if (selectionOnly && !listPending) { A.drawList(true); return; }
      if (listPending) return;
      listPending = true;
      if (A.listStale) A.listStale();
      P.afterPaint(function () {
        if (!listPending) return;
        listPending = false;
        // The URL the step left to write (A.writeHashLater) first: on the
        // page as painted, replaceState costs little; after the list's
        // changes it forced their style (4-11 ms at 10,000 records), which
        // the next frame does anyway.
        if (A.flushHash) A.flushHash();
        A.drawList(false);
      });
    }

    // A.clearPoints takes the points and clusters off the map before a
    // jump to another view, after which A.draw draws those of the new
    // view: the canvas then does not draw the old ones again at the new
    // zoom first (about 10 ms when a record opens at 10,000 records).
    A.clearPoints = function () {
      markerGroup.clearLayers();
      selectedRing = null;
      pointsKey = null;
    };

    // drawPoints draws the points and clusters in view and returns what it drew.
    function drawPoints() {
      markerGroup.clearLayers();
      selectedRing = null;
      var drawn = { clusters: 0, points: 0, byLayer: {}, items: [] };
      A.layerOrder.forEach(function (k) { drawn.byLayer[k] = 0; });
      var z = Math.round(map.getZoom());
      A.index.getClusters(viewBBox(), z).forEach(function (c) {
        var ll = [c.geometry.coordinates[1], c.geometry.coordinates[0]];
        if (c.properties.cluster) {
          var parts = [];
          A.layerOrder.forEach(function (key, i) {
            var k = c.properties["c" + i];
            if (k) { parts.push({ n: k, color: A.layerList[i].color, name: A.layerList[i].name }); drawn.byLayer[key] += k; }
          });
          var total = c.properties.point_count;
          var m = new L.ClusterMarker(ll, { renderer: recordRenderer, radius: Math.min(26, 13 + Math.sqrt(total) * 1.6),
            parts: parts, total: total, stroke: false });
          m.on("click", function () { A.clusterClick(c, ll); });
          // The layers by name, not by colour alone; a cluster that stands
          // for a place (a country's badge, map-tiles.js) by its name too.
          m.bindTooltip(P.html((c.properties.label ? c.properties.label + " · " : "") + P.records(total) + ": " + parts.map(function (pt) { return P.num(pt.n) + " " + pt.name; }).join(", ")), { direction: "top", offset: [0, -m.options.radius] });
          drawn.items.push({ ll: ll, cluster: c.properties.cluster_id });
          markerGroup.addLayer(m);
          drawn.clusters++;
        } else {
          var r = A.records[c.properties.i];
          var pt = new L.SymbolMarker(ll, markerOptions(r.layer, r.p.precision, recordRenderer));
          pt.on("click", function () { A.openRecord(r.id, { push: true, fromMarker: true }); });
          drawn.items.push({ ll: ll, id: r.id });
          markerGroup.addLayer(pt);
          drawn.points++;
          drawn.byLayer[r.layer.key]++;
        }
      });
      return drawn;
    }

    // A.markerOf returns where the point, cluster or area badge that holds
    // a record is drawn, or null.
    A.markerOf = function (id) {
      var items = A.drawn ? A.drawn.items : [];
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        if (it.id === id || (it.ids && it.ids.indexOf(id) >= 0)) return it.ll;
        if (it.cluster != null && A.leavesOf(it.cluster).some(function (r) { return r.id === id; })) return it.ll;
      }
      return null;
    };

    // A.highlight rings the marker (or cluster) of record id, for the list
    // entry under the pointer or the keyboard focus; null clears it.
    var highlighted = null, ring = null;
    A.highlight = function (id) {
      highlighted = A.highlighted = id;
      if (ring) { ring.remove(); ring = null; }
      var ll = id && A.markerOf(id);
      if (!ll) return;
      ring = L.circleMarker(ll, { renderer: recordRenderer, radius: A.byId[id].area ? 22 : 17, weight: 3,
        color: "#1a73e8", fill: false, interactive: false, className: "highlight" }).addTo(map);
    };

    // A.leavesOf returns the records of a cluster, newest first.
    A.leavesOf = function (clusterId) {
      return A.index.getLeaves(clusterId, Infinity).map(function (f) { return A.records[f.properties.i]; })
        .sort(function (a, b) { return a.i - b.i; });
    };

    A.clusterClick = function (c, ll) {
      var expand = A.index.getClusterExpansionZoom(c.properties.cluster_id);
      if (expand <= A.maxZoom && expand > map.getZoom()) {
        if (P.reducedMotion) map.setView(ll, expand, { animate: false });
        else map.flyTo(ll, expand, { duration: 0.6 });
        return;
      }
      // Records at one point (or too close to split): list them.
      A.openCluster(A.leavesOf(c.properties.cluster_id), ll);
    };

    // A.drawLinks draws the links whose records both pass the filters.
    // Each link's ends (the records' indices, -1 for a record not in the
    // data) and line are worked out once (linkEnds, linkLines): a filter
    // step reads them and the mask of what it keeps, not the links.
    var linksFor = null, linkEnds = null, linkLines = null;
    // A large site's map gives the lines itself (A.keptLinks, map-tiles.js).
    A.drawLinks = function () {
      var lines = [];
      if (A.keptLinks) {
        lines = A.keptLinks();
      } else if (A.filters.links && A.links.length) {
        var on = P.data.maskOf(A);
        if (linksFor !== A.links) {
          linksFor = A.links;
          linkEnds = new Int32Array(2 * A.links.length).fill(-1);
          linkLines = A.links.map(function (f, j) {
            var a = A.byId[f.properties.from], b = A.byId[f.properties.to], cs = f.geometry.coordinates;
            if (a && b) { linkEnds[2 * j] = a.i; linkEnds[2 * j + 1] = b.i; }
            return [[cs[0][1], cs[0][0]], [cs[1][1], cs[1][0]]];
          });
        }
        for (var j = 0; j < linkLines.length; j++) {
          var a = linkEnds[2 * j], b = linkEnds[2 * j + 1];
          if (a >= 0 && b >= 0 && on[a] && on[b]) lines.push(linkLines[j]);
        }
      }
      A.linksDrawn = lines.length;
      linkSet.setLines(lines);
    };
  }

  P.draw = { defineLeafletParts: defineLeafletParts, markerOptions: markerOptions, tracePath: tracePath, install: install, EDGE: EDGE,
    clusterOptions: clusterOptions, pointOf: pointOf, loadGrouped: loadGrouped, CLUSTER_RADIUS: CLUSTER_RADIUS };
})(window.mapsiteParts = window.mapsiteParts || {});
