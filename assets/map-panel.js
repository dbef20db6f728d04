// map-panel.js runs the side panel (a bottom sheet on phones): the legend
// and filters form, and the list of the records in view, which is the
// keyboard and screen-reader route to every record.
(function (P) {
  "use strict";

  var el = P.el;

  // install gives the map page A its panel: A.readFilters, A.writeFilters,
  // A.applyFilters, A.drawList, A.fitFiltered and A.setCollapsed.
  function install(A) {
    var L = A.L, map = A.map;
    var form = document.getElementById("filters");
    var listEl = document.getElementById("record-list");
    var countEl = document.getElementById("visible-count");
    var noteEl = document.getElementById("list-note");
    var panel = document.getElementById("panel");
    var toggle = document.getElementById("panel-toggle");
    var toggleCount = document.getElementById("panel-toggle-count");

    // ---- Filters ----
    var from = form.elements.from, to = form.elements.to, q = form.elements.q;
    [from, to].forEach(function (input) { input.min = A.span.min; input.max = A.span.max; });
    from.placeholder = A.span.min;
    to.placeholder = A.span.max;
    // The select filters, each with the values the data hold and how
    // many records have each; a select with nothing to choose is hidden.
    var selects = { country: A.countries, attribution: A.attributions, perpetrator: A.perpetrators, tag: A.tags };
    Object.keys(selects).forEach(function (name) {
      if (!Object.keys(selects[name]).length) form.elements[name].closest(".field").hidden = true;
    });
    // A.fillSelects puts the options in, once: sorted by name in the
    // page's language, which takes a collator, whose first use in a page
    // costs 10-30 ms. The markers do not wait for it: it comes once they
    // are drawn (map.js), or first when the URL asks for a value.
    var filled = false;
    A.fillSelects = function () {
      if (filled) return;
      filled = true;
      var collator = P.collator();
      Object.keys(selects).forEach(function (name) {
        var set = selects[name], box = form.elements[name], options = document.createDocumentFragment();
        var keys = Object.keys(set).sort(function (a, b) { return collator.compare(set[a].name, set[b].name); });
        keys.forEach(function (k) {
          var o = el("option", null, set[k].name + " (" + P.num(set[k].n) + ")");
          o.value = k;
          options.appendChild(o);
        });
        box.appendChild(options);
      });
    };
    var layerBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="layer"]'));
    var linksBox = form.elements.links;

    A.readFilters = function () {
      var on = {};
      layerBoxes.forEach(function (b) { if (b.checked) on[b.value] = true; });
      var f = { layers: on, from: from.value, to: to.value, q: q.value.trim(), links: linksBox.checked };
      Object.keys(selects).forEach(function (name) { f[name] = form.elements[name].value; });
      return f;
    };
    A.writeFilters = function (s) {
      layerBoxes.forEach(function (b) { b.checked = !s.layers || !!s.layers[b.value]; });
      from.value = s.from || "";
      to.value = s.to || "";
      if (!filled && Object.keys(selects).some(function (name) { return s[name]; })) A.fillSelects();
      Object.keys(selects).forEach(function (name) {
        form.elements[name].value = selects[name][s[name]] ? s[name] : "";
      });
      q.value = s.q || "";
      linksBox.checked = s.links !== false;
    };
    // A change made in the form or the timeline lists the records after
    // the markers are drawn (A.applyFilters).
    var LATER = { listLater: true };
    // A.setDates sets the time window (ISO dates, "" for open) and shows it.
    A.setDates = function (a, b) {
      if (from.value === a && to.value === b) return;
      from.value = a;
      to.value = b;
      A.applyFilters(LATER);
      A.writeHashLater();
    };

    // A.applyFilters recomputes what is shown after the filters change.
    // A search looks in the summaries too, which load (once) when a
    // search is first made: until they are in, it looks in the rest of
    // each record's text (a subset of what it finds once they are in),
    // and it runs again when they arrive. opt goes to A.draw: a change
    // made in the form lists the records in the task after the markers'
    // frame (listLater), which then no longer waits for the list's
    // entries, style and layout.
    A.applyFilters = function (opt) {
      var filters = A.filters = A.readFilters();
      filters.words = P.fold(filters.q).split(/\s+/).filter(Boolean);
      var loading = false;
      if (filters.words.length) {
        A.searchText();
        if (!A.textsLoaded()) {
          loading = true;
          A.needTexts(function (ok) {
            if (!ok) statusEl.textContent = statusText + " The summaries could not be loaded: the search looked in the rest.";
            else if (A.filters.words && A.filters.words.length) A.applyFilters();
          });
        }
      }
      if (window.performance && performance.mark) performance.mark("mapsite:filter");
      // One pass: what each layer holds under the other filters, and
      // what is shown.
      var counts = {}, filtered = A.filtered = [], rs = A.records, mask = new Uint8Array(rs.length), on = filters.layers;
      A.layerOrder.forEach(function (k) { counts[k] = 0; });
      if (P.data.layersOnly(filters)) {
        // Only the layers filter: the pass reads the records' layers by
        // index (P.data.columnsOf), not the records.
        var layerOf = P.data.columnsOf(A).layer;
        for (var k = 0; k < rs.length; k++) {
          var key = layerOf[k];
          counts[key]++;
          if (on[key]) {
            filtered.push(rs[k]);
            mask[k] = 1;
          }
        }
      } else {
        rs.forEach(function (r) {
          if (!P.data.matches(r, filters, true)) return;
          counts[r.layer.key]++;
          if (on[r.layer.key]) {
            filtered.push(r);
            mask[r.i] = 1;
          }
        });
      }
      A.mask = mask; // P.data.maskOf
      A.maskFor = filtered;
      A.layerOrder.forEach(function (k) {
        var c = form.querySelector('[data-layer-count="' + k + '"]');
        if (c) {
          c.textContent = P.num(counts[k]);
          c.classList.toggle("zero", counts[k] === 0);
        }
      });
      A.rebuildIndex();
      A.drawLinks();
      // A change made in the form: the base map's cells wait for its
      // markers and list to be on screen.
      if (opt && opt.listLater) P.holdBasemap();
      A.draw(opt);
      if (A.timeline) A.timeline.update();
      var total = A.records.length, n = A.filtered.length;
      statusText = (n === total ? "All " + P.num(total) + " records shown" : P.num(n) + " of " + P.num(total) + " records shown") +
        (A.span.min ? " · the data run from " + spanText + "." : ".");
      statusEl.textContent = statusText + (loading ? " Loading the summaries to search them too…" : "");
    };
    var statusEl = document.getElementById("panel-status"), statusText = "";
    var spanText = A.span.min ? P.monthYear(A.span.min) + " to " + P.monthYear(A.span.max) : "";

    // ---- List ----
    // entryOf returns record r's list entry, made the first time it is
    // listed and kept: a filter step or a move of the map re-lists
    // entries without making them again. Its symbol is a copy of its
    // layer's, and the list listens for all its entries (below).
    var symbols = {};
    function entryOf(r) {
      if (r.entry) return r.entry;
      var li = el("li"), b = el("button", "record-entry");
      b.type = "button";
      b.dataset.id = r.id;
      var symbol = symbols[r.layer.key] || (symbols[r.layer.key] = P.symbolSVG(r.layer));
      b.appendChild(symbol.cloneNode(true));
      b.appendChild(el("span", "entry-title", r.p.title));
      var where = r.p.place || r.p.country_name || "";
      b.appendChild(el("span", "entry-meta", r.p.date_text + (where ? " · " + where : "") + " · " + r.layer.name));
      li.appendChild(b);
      return (r.entry = { li: li, b: b });
    }

    // An entry opens its record; under the pointer or the keyboard focus,
    // it rings the record's marker and, where the popup needs the record's
    // details (a site drawn from vector tiles), starts loading them after a
    // moment, so that its popup is whole when it opens.
    var preloadTimer = 0;
    function entryAt(ev) {
      var b = ev.target.closest && ev.target.closest(".record-entry");
      return b && A.byId[b.dataset.id] ? b : null;
    }
    function enter(b) {
      var r = A.byId[b.dataset.id];
      A.highlight(r.id);
      clearTimeout(preloadTimer);
      if (!r.f && !(A.popupFields && A.popupFields(r))) preloadTimer = setTimeout(function () { A.needDetails([r], function () {}); }, 100);
    }
    function leave() {
      clearTimeout(preloadTimer);
      A.highlight(null);
    }
    listEl.addEventListener("click", function (ev) {
      var b = entryAt(ev);
      if (b) A.openRecord(b.dataset.id, { push: true, fly: true, focusPopup: ev.detail === 0 });
    });
    listEl.addEventListener("mouseover", function (ev) {
      var b = entryAt(ev);
      if (b && !b.contains(ev.relatedTarget)) enter(b);
    });
    listEl.addEventListener("mouseout", function (ev) {
      var b = entryAt(ev);
      if (b && !b.contains(ev.relatedTarget)) leave();
    });
    listEl.addEventListener("focusin", function (ev) { var b = entryAt(ev); if (b) enter(b); });
    listEl.addEventListener("focusout", function (ev) { if (entryAt(ev)) leave(); });

    A.entryFor = {};
    var listKey = null, shown = [];
    // A.listStale marks the list busy until drawList lists the records
    // of the view again (a filter step lists them after its markers).
    A.listStale = function () { listEl.setAttribute("aria-busy", "true"); };
    // markCurrent marks the open record's entry among those listed.
    function markCurrent() {
      shown.forEach(function (r) {
        if (r.id === A.selected) r.entry.b.setAttribute("aria-current", "true");
        else r.entry.b.removeAttribute("aria-current");
      });
    }
    // A.drawList lists the filtered records in view. With selectionOnly
    // set (the view and the filters are as last listed), it only marks the
    // open record's entry.
    A.drawList = function (selectionOnly) {
      if (selectionOnly && listKey) { markCurrent(); return; }
      listEl.removeAttribute("aria-busy");
      var filtered = A.filtered, b = map.getBounds().pad(0.02), inView = [];
      // In view, or in view on the next copy of the world east or west;
      // in the order of A.records, which is A.filtered's.
      var south = b.getSouth(), north = b.getNorth(), west = b.getWest(), east = b.getEast();
      // Records across a whole country or region are listed together,
      // under the number of them in view (groupCount).
      var mask = P.data.maskOf(A), cols = P.data.columnsOf(A), lats = cols.lat, lons = cols.lon, areas = cols.area, groupCount = {};
      for (var i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        var lat = lats[i], lon = lons[i];
        if (lat < south || lat > north) continue;
        if ((lon >= west && lon <= east) || (lon + 360 >= west && lon + 360 <= east) || (lon - 360 >= west && lon - 360 <= east)) {
          inView.push(A.records[i]);
          if (areas[i] !== null) groupCount[areas[i]] = (groupCount[areas[i]] || 0) + 1;
        }
      }
      // The same entries as last time (the map moved a little, say): only
      // the open record's mark changes.
      var next = inView.slice(0, P.LIST_LIMIT);
      var key = inView.length + "/" + filtered.length + ":" + next.map(function (r) { return r.id; }).join(",");
      shown = next;
      if (key === listKey) { markCurrent(); return; }
      listKey = key;
      var focusedId = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.id;
      var entryFor = A.entryFor = {}, items = []; // the list's items, in order
      // The records across one area are listed where the newest of them
      // would come.
      var groupLists = {};
      shown.forEach(function (r) {
        var parent = listEl;
        if (r.area) {
          parent = groupLists[r.group.key];
          if (!parent) {
            var n = groupCount[r.group.key];
            var gli = el("li", "area-group"), titleId = "area-" + Object.keys(groupLists).length;
            var gt = el("p", "area-group-title", "Across " + r.group.name + ": " + P.records(n));
            gt.id = titleId;
            parent = groupLists[r.group.key] = el("ul", "area-group-list");
            parent.setAttribute("aria-labelledby", titleId);
            gli.appendChild(gt);
            gli.appendChild(parent);
            items.push(gli);
          }
        }
        var e = entryOf(r);
        if (r.id === A.selected) e.b.setAttribute("aria-current", "true");
        else e.b.removeAttribute("aria-current");
        if (parent === listEl) items.push(e.li);
        else parent.appendChild(e.li);
        entryFor[r.id] = e.b;
      });
      if (inView.length > P.LIST_LIMIT) items.push(el("li", "list-more", "… and " + P.num(inView.length - P.LIST_LIMIT) + " more: zoom in or narrow the filters."));
      putItems(items);
      if (focusedId && entryFor[focusedId] && document.activeElement !== entryFor[focusedId]) entryFor[focusedId].focus({ preventScroll: true });
      countEl.textContent = inView.length === filtered.length ? P.num(filtered.length) : P.num(inView.length) + " of " + P.num(filtered.length);
      var word = filtered.length === 1 ? " record" : " records";
      document.getElementById("visible-word").textContent = inView.length === filtered.length ? word.trim() : word.trim() + " in view";
      noteEl.textContent = "";
      noteEl.hidden = true;
      if (inView.length < filtered.length) {
        noteEl.hidden = false;
        noteEl.appendChild(document.createTextNode(P.num(filtered.length - inView.length) + " more outside the map view. "));
        var all = el("button", "link-button", "Show all on the map");
        all.type = "button";
        all.addEventListener("click", A.fitFiltered);
        noteEl.appendChild(all);
      } else if (!filtered.length) {
        noteEl.hidden = false;
        noteEl.textContent = "No record matches these filters.";
      }
      toggleCount.textContent = P.records(filtered.length);
    };

    // putItems makes items the list's items, in order. An entry listed
    // before stays where it is (entries keep their order: the records'),
    // so that a filter step adds and removes only the entries that change,
    // where making the 300 again cost its frame their style and layout.
    var listStamp = 0;
    function putItems(items) {
      var stamp = ++listStamp, c, next;
      items.forEach(function (n) { n.listStamp = stamp; });
      for (c = listEl.firstChild; c; c = next) {
        next = c.nextSibling;
        if (c.listStamp !== stamp) listEl.removeChild(c);
      }
      c = listEl.firstChild;
      items.forEach(function (n) {
        if (n === c) c = c.nextSibling;
        else listEl.insertBefore(n, c);
      });
    }

    // A.focusEntry moves the keyboard focus to the open record's entry.
    A.focusEntry = function () {
      var id = A.selected;
      var b = id && A.entryFor[id];
      if (!b) return;
      if (A.phone.matches) A.setCollapsed(false);
      b.focus({ preventScroll: true });
      b.scrollIntoView({ block: "nearest" });
    };

    A.fitFiltered = function () {
      if (!A.filtered.length) return;
      var b = L.latLngBounds(A.filtered.map(function (r) { return [r.lat, r.lon]; }));
      map.fitBounds(b, { padding: [40, 40], maxZoom: 7, animate: !P.reducedMotion });
    };

    // ---- Copy link, downloads ----
    var copyStatus = document.getElementById("copy-status");
    document.getElementById("copy-link").addEventListener("click", function () {
      var url = location.href;
      var done = function (ok) { copyStatus.textContent = ok ? "Link copied." : "Copy this link: " + url; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(fallbackCopy(url)); });
      } else {
        done(fallbackCopy(url));
      }
    });
    function fallbackCopy(text) {
      var t = el("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.className = "visually-hidden";
      document.body.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      t.remove();
      return ok;
    }
    // The download links name the whole data set's files without
    // JavaScript; with it, they carry the filtered selection, made here.
    [["download-csv", "text/csv;charset=utf-8", "csv", P.data.csvOf],
      ["download-geojson", "application/geo+json", "geojson", P.data.geojsonOf]].forEach(function (d) {
      var a = document.getElementById(d[0]);
      // The records' details (all their properties) load first, if they
      // are not in yet; the link is then followed again.
      var ready = false;
      a.addEventListener("click", function (e) {
        if (ready) { ready = false; return; }
        e.preventDefault();
        var shown = A.filtered;
        copyStatus.textContent = "Preparing the download…";
        A.needDetails(shown, function (ok) {
          if (!ok) { copyStatus.textContent = "The records' details could not be loaded: download the whole set from the table page."; return; }
          copyStatus.textContent = "";
          if (a.dataset.blob) URL.revokeObjectURL(a.dataset.blob);
          var blob = new Blob([d[3](shown, location.href)], { type: d[1] });
          a.href = a.dataset.blob = URL.createObjectURL(blob);
          a.download = "records-" + shown.length + "." + d[2];
          ready = true;
          setTimeout(function () { a.click(); }, 0);
        });
      });
    });

    // ---- Events ----
    var searchTimer = 0;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", function (e) {
      clearTimeout(searchTimer);
      if (e.target === q) {
        searchTimer = setTimeout(function () { A.applyFilters(LATER); A.writeHashLater(); }, 150);
      } else {
        A.applyFilters(LATER);
        A.writeHashLater();
      }
    });
    // Checkboxes and selects fire both input and change: the filters run
    // once, on input; change catches a control that fired no input (a
    // date picker in some browsers).
    form.addEventListener("change", function (e) {
      if (e.target === q || sameFilters(A.readFilters(), A.filters)) return;
      A.applyFilters(LATER);
      A.writeHashLater();
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { A.applyFilters(LATER); A.writeHashLater(); }, 0);
    });

    // sameFilters (A.sameFilters) says whether two states of the form are
    // the same.
    var sameFilters = A.sameFilters = function (a, b) {
      if (!b) return false;
      var keys = ["from", "to", "q", "links", "country", "attribution", "perpetrator", "tag"];
      return keys.every(function (k) { return a[k] === b[k]; }) &&
        A.layerOrder.every(function (k) { return !a.layers[k] === !b.layers[k]; });
    };

    // ---- Bottom sheet (phones) ----
    A.setCollapsed = function (c) {
      panel.classList.toggle("collapsed", c);
      toggle.setAttribute("aria-expanded", String(!c));
    };
    toggle.hidden = false;
    toggle.addEventListener("click", function () { A.setCollapsed(!panel.classList.contains("collapsed")); });
    A.setCollapsed(A.phone.matches);
  }

  P.panel = { install: install };
})(window.mapsiteParts = window.mapsiteParts || {});
