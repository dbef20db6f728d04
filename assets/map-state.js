// map-state.js keeps the map page's state in the URL hash, so that any
// view can be shared: the view (z, lat, lon), the filters and the open
// record (id).
(function (P) {
  "use strict";

  var DATE = /^\d{4}-\d\d-\d\d$/;

  // parse reads a hash ("#k=v&k=v") into an object of strings.
  function parse(h) {
    var s = {};
    h.replace(/^#/, "").split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
      try { s[k] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (err) { s[k] = v; }
    });
    return s;
  }

  // filtersOf returns the filters a parsed hash asks for.
  function filtersOf(s) {
    var f = { from: DATE.test(s.from || "") ? s.from : "", to: DATE.test(s.to || "") ? s.to : "",
      country: s.country || "", attribution: s.attribution || "", perpetrator: s.perpetrator || "", tag: s.tag || "",
      q: s.q || "", links: s.links !== "off", layers: null };
    if (s.layers != null) {
      f.layers = {};
      s.layers.split(",").forEach(function (k) { f.layers[k] = true; });
    }
    return f;
  }

  // format writes the page's state as a hash.
  function format(A) {
    var parts = [], filters = A.filters, map = A.map;
    var add = function (k, v) { parts.push(k + "=" + encodeURIComponent(v).replace(/%2C/g, ",")); };
    if (A.selected) add("id", A.selected);
    var c = map.getCenter().wrap();
    add("z", Math.round(map.getZoom()));
    add("lat", c.lat.toFixed(4));
    add("lon", c.lng.toFixed(4));
    var off = A.layerOrder.filter(function (k) { return !filters.layers[k]; });
    if (off.length) add("layers", A.layerOrder.filter(function (k) { return filters.layers[k]; }).join(","));
    if (filters.from) add("from", filters.from);
    if (filters.to) add("to", filters.to);
    ["country", "attribution", "perpetrator", "tag"].forEach(function (k) { if (filters[k]) add(k, filters[k]); });
    if (filters.q) add("q", filters.q);
    if (!filters.links) add("links", "off");
    return "#" + parts.join("&");
  }

  // install gives the map page A its URL state: A.writeHash(push) records
  // the state, A.applyHash(initial) restores it.
  function install(A) {
    var map = A.map, lastHash = null;
    A.applying = false;

    A.writeHash = function (push) {
      if (A.applying) return;
      // The URL moved on without us (Back, Forward, a link): its hashchange
      // is on its way and will restore that state. Writing now would put
      // the state being left over the entry Back returned to (a popup's
      // details arriving just after Back panned the map, and Back was lost).
      if (movedOn()) { pendingHash = null; return; }
      flushHash();
      var h = format(A);
      if (h === location.hash) return;
      setHash(h, push);
    };
    function movedOn() { return lastHash !== null && location.hash !== lastHash; }
    function setHash(h, push) {
      lastHash = h;
      // pushState, not location.hash = h: without a click behind it, a
      // browser turns the latter into a replace while the page is still
      // loading, and the entry Back should return to would be lost.
      try {
        if (push) history.pushState(null, "", h);
        else history.replaceState(history.state, "", h);
      } catch (err) {
        if (push) location.hash = h;
        else location.replace(h);
      }
    }

    // A.writeHashLater records the state as it is now in the history
    // entry once the next frame is painted, or before any other write
    // (or when A.flushHash is called):
    // replaceState cost a filter step 5-20 ms that its frame no longer
    // waits for. The entry is the same as if it were written at once;
    // if the reader goes back or forward in the moment between, it is
    // not written (see movedOn).
    var pendingHash = null;
    function flushHash() {
      var h = pendingHash;
      pendingHash = null;
      if (h !== null && h !== location.hash && !movedOn()) setHash(h, false);
    }
    A.flushHash = flushHash; // writes it now, if it is still to be written
    A.writeHashLater = function () {
      if (A.applying) return;
      var h = format(A), scheduled = pendingHash !== null;
      pendingHash = h === location.hash ? null : h;
      if (pendingHash !== null && !scheduled) P.afterPaint(flushHash);
    };

    function initialView() {
      var D = A.D;
      if (D.center) {
        map.setView([D.center[1], D.center[0]], D.zoom || 4, { animate: false });
      } else if (A.records.length) {
        var b = A.L.latLngBounds(A.records.map(function (r) { return [r.lat, r.lon]; }));
        map.fitBounds(b, { padding: [30, 30], maxZoom: Math.max(D.zoom || 4, 5), animate: false });
      } else {
        map.setView([20, 20], 2, { animate: false });
      }
    }

    A.applyHash = function (initial) {
      var s = parse(location.hash);
      A.applying = true;
      A.writeFilters(filtersOf(s));
      var z = parseInt(s.z, 10), lat = parseFloat(s.lat), lon = parseFloat(s.lon);
      var hasView = isFinite(z) && isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90;
      var r = A.byId[s.id];
      if (hasView) map.setView([lat, lon], Math.max(2, Math.min(A.maxZoom, z)), { animate: false });
      else if (initial && r) map.setView([r.lat, r.lon], P.PRECISION_ZOOM[r.p.precision] || 6, { animate: false });
      else if (initial) initialView();
      // A link that changes only the view or the open record keeps the
      // filtered records: the map is drawn again, not filtered again (by
      // openRecord, when the link opens a record).
      if (!initial && A.sameFilters(A.readFilters(), A.filters)) {
        if (!r) A.draw();
      } else {
        A.applyFilters();
      }
      if (r) {
        A.openRecord(r.id, { push: false, fly: !initial && !hasView, keepView: hasView || initial });
      } else if (A.selected) {
        A.selected = null;
        A.closePopup();
        A.draw();
      }
      A.applying = false;
      lastHash = location.hash;
    };

    window.addEventListener("hashchange", function () {
      pendingHash = null; // it was the state of the entry left
      if (location.hash === lastHash) return;
      A.applyHash(false);
    });
  }

  P.state = { parse: parse, filtersOf: filtersOf, format: format, install: install };
})(window.mapsiteParts = window.mapsiteParts || {});
