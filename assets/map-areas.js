// map-areas.js draws the records placed only at country or region level as
// that area, not as a point: the country's outline highlighted and a
// badge with the count at a point well inside it (never the capital, and
// never clustered with the records placed at a venue or a city). The
// list and the badge's popup group them: "Across Turkey: 6 records".
(function (P) {
  "use strict";

  var el = P.el;
  var MAX_OUTLINES = 40;

  // isArea says whether a record stands for a whole country or region.
  function isArea(r) { return r.p.precision === "country" || r.p.precision === "region"; }

  // ---- Geometry in degrees, longitude scaled by the cosine of latitude ----

  function ringArea(ring) {
    var a = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1]);
    return Math.abs(a / 2);
  }
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inPolygon(x, y, poly) {
    if (!inRing(x, y, poly[0])) return false;
    for (var k = 1; k < poly.length; k++) if (inRing(x, y, poly[k])) return false;
    return true;
  }
  function polygonsOf(g) { return g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : []; }

  // edges returns the edges of a polygon's rings as [ax, ay, bx, by, …],
  // longitude scaled by kx, leaving out the vertices nearer than tol to
  // the last one kept: a distance measured to them is off by tol at most,
  // and a country's coast has far more of them than a label point needs
  // (Russia's outline: thousands, where a few hundred place its badge).
  function edges(rings, kx, tol) {
    var n = 0, t2 = tol * tol;
    rings.forEach(function (ring) { n += ring.length; });
    var out = new Float64Array(4 * n), k = 0;
    rings.forEach(function (ring) {
      var m = ring.length, first = k;
      if (m < 3) return;
      var px = ring[m - 1][0] * kx, py = ring[m - 1][1];
      for (var i = 0; i < m; i++) {
        var x = ring[i][0] * kx, y = ring[i][1], dx = x - px, dy = y - py;
        if (dx * dx + dy * dy < t2 && i < m - 1) continue;
        out[k++] = px;
        out[k++] = py;
        out[k++] = x;
        out[k++] = y;
        px = x;
        py = y;
      }
      if (k - first < 12) { // too few left to enclose anything: keep them all
        k = first;
        for (var a = 0, b = m - 1; a < m; b = a++) {
          out[k++] = ring[b][0] * kx;
          out[k++] = ring[b][1];
          out[k++] = ring[a][0] * kx;
          out[k++] = ring[a][1];
        }
      }
    });
    return out.subarray(0, k);
  }

  // signedDistance returns the distance from x, y to the nearest edge of
  // segs (edges), negative outside the polygon (even-odd: inside the outer
  // ring and not in a hole).
  function signedDistance(x, y, segs) {
    var best = Infinity, inside = false;
    for (var k = 0; k < segs.length; k += 4) {
      var ax = segs[k], ay = segs[k + 1], bx = segs[k + 2], by = segs[k + 3];
      if ((by > y) !== (ay > y) && x < (ax - bx) * (y - by) / (ay - by) + bx) inside = !inside;
      var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      var t = len ? ((x - ax) * dx + (y - ay) * dy) / len : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      var ex = ax + t * dx - x, ey = ay + t * dy - y, d = ex * ex + ey * ey;
      if (d < best) best = d;
    }
    return inside ? Math.sqrt(best) : -Math.sqrt(best);
  }

  // labelPoint returns a point deep inside the feature's largest polygon,
  // near the one farthest from its edges: square cells, the most
  // promising split first (a cell's promise is its centre's distance from
  // the edges plus its half-diagonal), until no cell can beat the best by
  // more than a hundredth of the polygon's size. It measures far fewer
  // points than a grid would (a 10,000-record map spent most of its
  // first draw here).
  function labelPoint(feature) {
    var polys = polygonsOf(feature.geometry);
    if (!polys.length) return null;
    var poly = polys.reduce(function (a, b) { return ringArea(b[0]) > ringArea(a[0]) ? b : a; });
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    poly[0].forEach(function (c) { x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); y0 = Math.min(y0, c[1]); y1 = Math.max(y1, c[1]); });
    // Distances are in degrees of latitude: longitude scaled by kx.
    var kx = Math.cos(((y0 + y1) / 2) * Math.PI / 180) || 1;
    var w = (x1 - x0) * kx, h = y1 - y0, size = Math.min(w, h);
    if (!(size > 0)) return [(x0 + x1) / 2, (y0 + y1) / 2];
    var precision = Math.max(w, h) / 100;
    // The outline's edges in one flat array (longitude scaled): a
    // country's coast has thousands of edges, and every cell measures its
    // distance to each (the 212 countries of the world: about 300 ms with
    // arrays of points, 150 ms so, in Node under load).
    var segs = edges(poly, kx, precision / 2);
    // cell is a square of half-side hs (scaled) centred on x, y (degrees).
    var cell = function (x, y, hs) {
      var dist = signedDistance(x * kx, y, segs);
      return { x: x, y: y, hs: hs, d: dist, max: dist + hs * Math.SQRT2 };
    };
    var heap = [], push = function (c) {
      heap.push(c);
      for (var i = heap.length - 1; i > 0;) {
        var up = (i - 1) >> 1;
        if (heap[up].max >= heap[i].max) break;
        var t = heap[up]; heap[up] = heap[i]; heap[i] = t; i = up;
      }
    }, pop = function () {
      var top = heap[0], last = heap.pop();
      if (heap.length) {
        heap[0] = last;
        for (var i = 0; ;) {
          var l = 2 * i + 1, r = l + 1, m = i;
          if (l < heap.length && heap[l].max > heap[m].max) m = l;
          if (r < heap.length && heap[r].max > heap[m].max) m = r;
          if (m === i) break;
          var t = heap[m]; heap[m] = heap[i]; heap[i] = t; i = m;
        }
      }
      return top;
    };
    var hs = size / 2;
    for (var x = x0 * kx; x < x1 * kx; x += size) {
      for (var y = y0; y < y1; y += size) push(cell((x + hs) / kx, y + hs, hs));
    }
    var best = cell((x0 + x1) / 2, (y0 + y1) / 2, 0);
    for (var n = 0; heap.length && n < 4000; n++) {
      var c = pop();
      if (c.d > best.d) best = c;
      if (c.max - best.d <= precision) continue;
      var q = c.hs / 2, qx = q / kx;
      push(cell(c.x - qx, c.y - q, q));
      push(cell(c.x + qx, c.y - q, q));
      push(cell(c.x - qx, c.y + q, q));
      push(cell(c.x + qx, c.y + q, q));
    }
    return best.d > 0 ? [best.x, best.y] : null;
  }

  // drawable leaves out the parts of an outline that cross the
  // antimeridian (their edges would run across the whole map).
  function drawable(feature) {
    var polys = polygonsOf(feature.geometry).filter(function (poly) {
      var x0 = Infinity, x1 = -Infinity;
      poly[0].forEach(function (c) { x0 = Math.min(x0, c[0]); x1 = Math.max(x1, c[0]); });
      return x1 - x0 < 180;
    });
    return { type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates: polys } };
  }

  // shapeOf returns the outline of country cc (ISO 3166-1 alpha-2) or,
  // failing that, the country outline that holds lon, lat: the first, in
  // the order of the base map's countries, of those whose polygons' bounds
  // hold the point (P.basemap.countryPolygonsAt) that holds it. Only the
  // outlines asked for are decoded.
  function shapeOf(cc, lon, lat) {
    var B = P.basemap;
    var own = cc && B.countryShape && B.countryShape(cc);
    if (own) return own;
    var near = B.countryPolygonsAt ? B.countryPolygonsAt(lon, lat) : [];
    for (var i = 0; i < near.length; i++) if (inPolygon(lon, lat, near[i][1])) return B.countryShape(near[i][0]);
    return null;
  }

  // BADGE_FONT, BADGE_EDGE and the others are the badge's measures in
  // site.css (.area-badge-inner, .area-name, .area-count, a rem of 16 px):
  // the base-map labels keep clear of a badge by its size worked out from
  // them, not read from the page, which would force a layout of the whole
  // page at every draw. A browser test compares them with the page.
  var BADGE_FONT = "600 12.48px system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", \"Liberation Sans\", Arial, sans-serif";
  var BADGE_EDGE = 8;             // border 2 px and padding 2 px, each side
  var BADGE_HEIGHT = 12.48 * 1.3; // one line
  var COUNT_PAD = 2 * 6.08;       // .area-count's padding, each side .38rem
  var NAME_PAD = 2.4 + 4.8 + 2.4; // .area-name's margins and the gap after it
  var measure = null, widths = {};
  function textWidth(text) {
    if (widths[text] == null) {
      if (!measure) { measure = document.createElement("canvas").getContext("2d"); measure.font = BADGE_FONT; }
      widths[text] = measure.measureText(text).width;
    }
    return widths[text];
  }

  // badgeSize returns the width and height in pixels of a badge that
  // shows count, and its name text ("Across Turkey:") when showName is set.
  function badgeSize(nameText, count, showName) {
    var w = BADGE_EDGE + COUNT_PAD + textWidth(P.num(count));
    if (showName) w += NAME_PAD + textWidth(nameText);
    return [Math.ceil(w), Math.ceil(BADGE_EDGE + BADGE_HEIGHT)];
  }

  // defineBadgeMarker adds L.BadgeMarker, once: a marker placed by its
  // left and top, where Leaflet's markers take a 3D transform each. A 3D
  // transform makes each element a composited layer of its own; at
  // 10,000 records the 240 badges cost about 60 ms of compositing a frame,
  // and a layer list the browser rebuilt at every filter step.
  function defineBadgeMarker(L) {
    if (L.BadgeMarker) return;
    L.BadgeMarker = L.Marker.extend({
      // update places the badge at the map's zoom; a badge out of the
      // page (hidden: showBadge) is placed when it comes back. A zoom
      // placed every badge made, shown or not (240 at 10,000 records).
      update: function () {
        if (this._icon && !this._icon.parentNode) { this._stale = true; return this; }
        this._stale = false;
        return L.Marker.prototype.update.call(this);
      },
      _setPos: function (pos) {
        var icon = this._icon;
        icon._leaflet_pos = pos; // where L.DomUtil.getPosition looks
        icon.style.left = pos.x + "px";
        icon.style.top = pos.y + "px";
        this._zIndex = pos.y + this.options.zIndexOffset;
        this._resetZIndex();
      }
    });
  }

  // install groups the area records of map page A (A.areas, by key), puts
  // each at its group's label point, and gives A.drawAreas and
  // A.openArea.
  function install(A) {
    var L = A.L, map = A.map;
    var groups = A.areas = {}, order = [];
    // The badge points of the countries of the base map, found when it was
    // made (labelPoint, in package basemap): a country there has an
    // outline, decoded only when it is first drawn.
    var W = window.MAPSITE_BASEMAP, badgeAt = (W && W.lp) || {};
    A.records.forEach(function (r) {
      if (!isArea(r)) return;
      r.area = true;
      var country = r.p.precision === "country";
      var key = country ? "country:" + (r.p.country || r.p.country_name) : "region:" + (r.p.place || "") + ":" + (r.p.country || "");
      var g = groups[key];
      if (!g) {
        g = groups[key] = { key: key, name: country ? (r.p.country_name || r.p.country) : (r.p.place || r.p.country_name), records: [],
          lon: r.lon, lat: r.lat, shape: null, hasShape: false };
        var at = country && r.p.country && Object.prototype.hasOwnProperty.call(badgeAt, r.p.country) ? badgeAt[r.p.country] : null;
        if (at) {
          g.lon = at[0];
          g.lat = at[1];
          g.hasShape = true;
          g.cc = r.p.country;
        } else if (country) {
          // A territory without an outline of its own (Réunion, Gibraltar)
          // is drawn as the country whose outline holds it.
          g.shape = shapeOf(r.p.country, r.lon, r.lat);
          g.hasShape = !!g.shape;
          var cc = g.shape && g.shape.properties.cc;
          var lp = g.shape && (Object.prototype.hasOwnProperty.call(badgeAt, cc) ? badgeAt[cc] : labelPoint(g.shape));
          if (lp) { g.lon = lp[0]; g.lat = lp[1]; }
        }
        order.push(g);
      }
      g.records.push(r);
      r.group = g;
      r.lon = g.lon;
      r.lat = g.lat;
    });

    map.createPane("areas").style.zIndex = 410;
    // The badges, above the records (as Leaflet's marker pane is). Placed
    // by left and top, they cannot follow the zoom animation: they hide
    // while the map zooms, as the base-map labels do.
    defineBadgeMarker(L);
    var badgePane = map.createPane("area-badges");
    badgePane.style.zIndex = 600;
    map.on("zoomstart", function () { badgePane.style.visibility = "hidden"; });
    map.on("zoomend", function () { badgePane.style.visibility = ""; });
    var areaRenderer = L.canvas({ pane: "areas", padding: 0.2 });
    var outlineStyle = function (selected) {
      return { color: "#3b3b3b", weight: selected ? 2.5 : 1.6, dashArray: "5 4", opacity: 1, fillColor: "#3b3b3b", fillOpacity: selected ? 0.1 : 0.04 };
    };

    // A.drawAreas draws each group that holds filtered records: its
    // outline and a badge with the count, counted in A.drawn. Outlines
    // and badges are made once per group and only shown, hidden or
    // restyled here: a filter step at 10,000 records stays quick. With
    // selectionOnly set (the view and the filters are as last drawn; only
    // the open record may have changed), it restyles at most two groups.
    A.drawAreas = function (selectionOnly) {
      if (selectionOnly && last) {
        // Only the open record changed: restyle the group it left and
        // the group it is in.
        var r = A.byId[A.selected], rs = r && r.area && last.on[r.group.key];
        var g = rs && rs.indexOf(r) >= 0 ? r.group : null;
        if (g === last.selected) return;
        [last.selected, g].forEach(function (x) { if (x) drawGroup(x, last.on[x.key], last.outlines, last.showName); });
        last.selected = g;
        return;
      }
      var on = {}, showName = map.getZoom() >= 5, view = map.getBounds().pad(0.1), n = 0;
      // Only the areas whose badge is in view (or near) are drawn, as only
      // the points in view are.
      var near = map.getBounds().pad(0.5);
      var inView = function (g) {
        return near.contains([g.lat, g.lon]) || near.contains([g.lat, g.lon + 360]) || near.contains([g.lat, g.lon - 360]);
      };
      var held = heldBy();
      order.forEach(function (g) { if (held[g.key] && inView(g)) on[g.key] = held[g.key]; });
      // Outlines are drawn for at most MAX_OUTLINES areas in view (and the
      // open one): past that, they would cover the map and cost a redraw
      // of every outline at each filter step; the badges stay.
      order.forEach(function (g) { if (on[g.key] && g.hasShape && view.contains([g.lat, g.lon])) n++; });
      var outlines = n <= MAX_OUTLINES;
      last = { on: on, outlines: outlines, showName: showName, selected: null };
      order.forEach(function (g) {
        var rs = on[g.key];
        drawGroup(g, rs, outlines, showName);
        if (!rs) return;
        if (g.selected) last.selected = g;
        A.drawn.items.push({ ll: [g.lat, g.lon], ids: rs.map(function (r) { return r.id; }), size: g.size });
        rs.forEach(function (r) { A.drawn.byLayer[r.layer.key]++; });
        A.drawn.areas++;
      });
    };
    var last = null; // what the last full drawAreas drew

    // heldBy returns the filtered records of each group, by key, worked out
    // once per filter step: a move of the map looks only at the groups
    // (a pass over 100,000 records cost every draw 3-5 ms).
    // It reads the mask of the filtered (P.data.maskOf) at the area
    // records' indices in A.records (areaAt), with their groups' keys
    // (areaKey), not the records.
    var heldFor = null, held = null, areaAt = null, areaKey = null, areasFor = null;
    function heldBy() {
      if (heldFor === A.filtered) return held;
      heldFor = A.filtered;
      held = {};
      var rs = A.records, mask = P.data.maskOf(A);
      if (areasFor !== rs) {
        areasFor = rs;
        areaAt = [];
        areaKey = [];
        rs.forEach(function (r, k) {
          if (!r.area) return;
          areaAt.push(k);
          areaKey.push(r.group.key);
        });
      }
      for (var j = 0; j < areaAt.length; j++) {
        var k = areaAt[j];
        if (mask[k]) (held[areaKey[j]] || (held[areaKey[j]] = [])).push(rs[k]);
      }
      return held;
    }

    // drawGroup draws group g holding the filtered records rs in view
    // (none: hides it), with its outline when outlines is set or it holds
    // the open record, and its name on the badge when showName is set.
    function drawGroup(g, rs, outlines, showName) {
      if (!rs) {
        if (g.outline) g.outline.remove();
        showBadge(g, false);
        return;
      }
      var selected = rs.some(function (r) { return r.id === A.selected; });
      if (g.hasShape && !outlines && !selected) {
        if (g.outline) g.outline.remove();
      } else if (g.hasShape) {
        if (!g.shape) g.shape = shapeOf(g.cc);
        if (!g.outline) g.outline = L.geoJSON(drawable(g.shape), { renderer: areaRenderer, interactive: false, style: outlineStyle(false) });
        if (!map.hasLayer(g.outline)) g.outline.addTo(map);
        if (g.outlineSelected !== selected) { g.outline.setStyle(outlineStyle(selected)); g.outlineSelected = selected; }
      }
      if (!g.marker) {
        // The badge: the count, with the area's name when zoomed in far
        // enough for the names not to crowd each other. Made once; a
        // filter step changes its text in place.
        g.badge = el("span", "area-badge-inner");
        g.badgeName = g.badge.appendChild(el("span", "visually-hidden", "Across " + g.name + ": "));
        g.badgeCount = g.badge.appendChild(el("span", "area-count"));
        g.badgeWord = g.badge.appendChild(el("span", "visually-hidden"));
        g.marker = new L.BadgeMarker([g.lat, g.lon], { pane: "area-badges", alt: "", riseOnHover: true, keyboard: true,
          icon: L.divIcon({ className: "area-badge", html: g.badge, iconSize: null }) });
        g.marker.on("click", function () { A.openArea(g); });
      }
      var state = rs.length + "|" + selected + "|" + showName;
      if (g.state !== state) {
        g.state = state;
        g.label = "Across " + g.name + ": " + P.records(rs.length);
        g.badgeName.className = showName ? "area-name" : "visually-hidden";
        g.badgeCount.textContent = P.num(rs.length);
        g.badgeWord.textContent = rs.length === 1 ? " record" : " records";
        g.marker.options.title = g.label;
        g.size = badgeSize("Across " + g.name + ":", rs.length, showName);
        g.selected = selected;
        styleBadge(g);
      }
      if (!map.hasLayer(g.marker)) {
        g.marker.addTo(map);
        styleBadge(g);
      }
      showBadge(g, true);
    }

    // showBadge shows or hides group g's badge. A badge once made stays a
    // layer of the map; hidden, its element is only taken out of the page
    // (Leaflet's remove and add cost a zoom at 10,000 records 20–40 ms for
    // its 240 badges).
    function showBadge(g, on) {
      var icon = g.marker && g.marker.getElement();
      if (!icon || g.shown === on) return;
      g.shown = on;
      if (!on) icon.remove();
      else if (icon.parentNode !== badgePane) { // not when Leaflet has just put it there
        badgePane.appendChild(icon);
        if (g.marker._stale) g.marker.update();
      }
    }

    // styleBadge marks a group's badge, as drawn now, selected or not, and
    // names it (Leaflet makes the badge's element anew when it is added).
    function styleBadge(g) {
      var icon = g.marker.getElement();
      if (!icon) return;
      icon.classList.toggle("selected", !!g.selected);
      icon.title = g.label;
    }

    // A.openArea lists a group's records in a popup at its badge.
    A.openArea = function (g) {
      var on = {};
      A.filtered.forEach(function (r) { if (r.group === g) on[r.id] = true; });
      var rs = g.records.filter(function (r) { return on[r.id]; });
      A.openCluster(rs, [g.lat, g.lon], "Across " + g.name + ": " + P.records(rs.length));
    };
  }

  P.areas = { install: install, isArea: isArea, labelPoint: labelPoint, badgeSize: badgeSize, shapeOf: shapeOf };
})(window.mapsiteParts = window.mapsiteParts || {});
