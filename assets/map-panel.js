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
    var from = form.elements.from, to = form.elements.to, country = form.elements.country, q = form.elements.q;
    [from, to].forEach(function (input) { input.min = A.span.min; input.max = A.span.max; });
    from.placeholder = A.span.min;
    to.placeholder = A.span.max;
    var countries = A.countries;
    Object.keys(countries).sort(function (a, b) { return countries[a].name.localeCompare(countries[b].name); })
      .forEach(function (cc) {
        var o = el("option", null, countries[cc].name + " (" + countries[cc].n + ")");
        o.value = cc;
        country.appendChild(o);
      });
    var layerBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="layer"]'));
    var linksBox = form.elements.links;

    A.readFilters = function () {
      var on = {};
      layerBoxes.forEach(function (b) { if (b.checked) on[b.value] = true; });
      return { layers: on, from: from.value, to: to.value, country: country.value, q: q.value.trim(), links: linksBox.checked };
    };
    A.writeFilters = function (s) {
      layerBoxes.forEach(function (b) { b.checked = !s.layers || !!s.layers[b.value]; });
      from.value = s.from || "";
      to.value = s.to || "";
      country.value = countries[s.country] ? s.country : "";
      q.value = s.q || "";
      linksBox.checked = s.links !== false;
    };

    // A.applyFilters recomputes what is shown after the filters change.
    A.applyFilters = function () {
      var filters = A.filters = A.readFilters();
      filters.words = P.fold(filters.q).split(/\s+/).filter(Boolean);
      A.filtered = A.records.filter(function (r) { return P.data.matches(r, filters, false); });
      var counts = {};
      A.layerOrder.forEach(function (k) { counts[k] = 0; });
      A.records.forEach(function (r) { if (P.data.matches(r, filters, true)) counts[r.layer.key]++; });
      A.layerOrder.forEach(function (k) {
        var c = form.querySelector('[data-layer-count="' + k + '"]');
        if (c) {
          c.textContent = String(counts[k]);
          c.classList.toggle("zero", counts[k] === 0);
        }
      });
      A.rebuildIndex();
      A.drawLinks();
      A.draw();
    };

    // ---- List ----
    A.entryFor = {};
    A.drawList = function () {
      var filtered = A.filtered, b = map.getBounds().pad(0.02), inView = [];
      filtered.forEach(function (r) {
        if (b.contains([r.lat, r.lon]) || b.contains([r.lat, r.lon + 360]) || b.contains([r.lat, r.lon - 360])) inView.push(r);
      });
      var focusedId = document.activeElement && document.activeElement.dataset && document.activeElement.dataset.id;
      listEl.textContent = "";
      var entryFor = A.entryFor = {};
      inView.slice(0, P.LIST_LIMIT).forEach(function (r) {
        var li = el("li"), b = el("button", "record-entry");
        b.type = "button";
        b.dataset.id = r.id;
        b.appendChild(P.symbolSVG(r.layer));
        b.appendChild(el("span", "entry-title", r.p.title));
        var where = r.p.place || r.p.country_name || "";
        b.appendChild(el("span", "entry-meta", r.p.date_text + (where ? " · " + where : "") + " · " + r.layer.name));
        if (r.id === A.selected) b.setAttribute("aria-current", "true");
        b.addEventListener("click", function (ev) {
          A.openRecord(r.id, { push: true, fly: true, focusPopup: ev.detail === 0 });
        });
        li.appendChild(b);
        listEl.appendChild(li);
        entryFor[r.id] = b;
      });
      if (focusedId && entryFor[focusedId]) entryFor[focusedId].focus({ preventScroll: true });
      if (inView.length > P.LIST_LIMIT) listEl.appendChild(el("li", "list-more", "… and " + (inView.length - P.LIST_LIMIT) + " more: zoom in or narrow the filters."));
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
        all.addEventListener("click", A.fitFiltered);
        noteEl.appendChild(all);
      } else if (!filtered.length) {
        noteEl.hidden = false;
        noteEl.textContent = "No record matches these filters.";
      }
      toggleCount.textContent = filtered.length + (filtered.length === 1 ? " record" : " records");
    };

    A.fitFiltered = function () {
      if (!A.filtered.length) return;
      var b = L.latLngBounds(A.filtered.map(function (r) { return [r.lat, r.lon]; }));
      map.fitBounds(b, { padding: [40, 40], maxZoom: 7, animate: !P.reducedMotion });
    };

    // ---- Events ----
    var searchTimer = 0;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("input", function (e) {
      clearTimeout(searchTimer);
      if (e.target === q) {
        searchTimer = setTimeout(function () { A.applyFilters(); A.writeHash(false); }, 150);
      } else {
        A.applyFilters();
        A.writeHash(false);
      }
    });
    form.addEventListener("change", function (e) {
      if (e.target === q) return;
      A.applyFilters();
      A.writeHash(false);
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { A.applyFilters(); A.writeHash(false); }, 0);
    });

    // ---- Bottom sheet (phones) ----
    A.setCollapsed = function (c) {
      panel.classList.toggle("collapsed", c);
      toggle.setAttribute("aria-expanded", String(!c));
    };
    toggle.hidden = false;
    toggle.addEventListener("click", function () { A.setCollapsed(!panel.classList.contains("collapsed")); });
    A.setCollapsed(A.phone.matches);
    // On a phone the list comes first; the filters fold away.
    if (A.phone.matches) document.getElementById("filter-box").open = false;
  }

  P.panel = { install: install };
})(window.mapsiteParts = window.mapsiteParts || {});
