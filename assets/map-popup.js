// map-popup.js opens records on the map page: a record's popup (moving the
// map to it) and the list of records that share one point.
(function (P) {
  "use strict";

  var el = P.el;

  // popupContent is the popup of record r, made from what data.js holds;
  // fillDetails adds what comes with the record's details.
  function popupContent(r) {
    var p = r.p, box = el("div", "popup");
    var kicker = el("p", "popup-kicker");
    kicker.appendChild(P.symbolSVG(r.layer));
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
    if (p.matched_place && P.fold(p.matched_place).indexOf(P.fold(p.place)) !== 0) {
      place.appendChild(document.createTextNode(" "));
      place.appendChild(el("span", "muted", "(located as " + p.matched_place + ")"));
    }
    box.appendChild(place);
    box.appendChild(el("p", "popup-precision" + (p.precision === "country" ? " country" : "")));
    box.appendChild(el("p", "popup-counts"));
    if (p.perpetrator) box.appendChild(el("p", "popup-line", "Perpetrator: " + p.perpetrator));
    var a = el("a", "popup-link", "Read the record and its sources →");
    a.href = p.url;
    box.appendChild(a);
    fillDetails(box, r);
    return box;
  }

  // fillDetails writes into popup box what depends on record r's details
  // (whether the analyst gave coordinates; the counts), and says in
  // data-details whether they are in: "loaded", or "loading" until then
  // ("failed" when their chunk could not be loaded). From data.js they
  // are in at once (A.popupFields); a site drawn from vector tiles loads
  // them from the record's detail chunk.
  function fillDetails(box, r) {
    var p = r.p;
    box.querySelector(".popup-precision").textContent = P.precisionNote(p);
    var counts = box.querySelector(".popup-counts"), text = P.countsText(p);
    counts.textContent = text;
    counts.hidden = !text;
    box.setAttribute("data-details", r.f || r.popup ? "loaded" : "loading");
  }

  // defineRecordPopup adds L.RecordPopup, once: a popup that keeps its
  // size from its own layout, so that moving it into view reads nothing
  // from the page. Leaflet's popup reads its height again to pan, which
  // forces a layout of the whole page when the map has just moved.
  var tipRoom = null; // the popup's margin under its box, where the tip is (site.css)
  function defineRecordPopup(L) {
    if (L.RecordPopup) return;
    L.RecordPopup = L.Popup.extend({
      _updateLayout: function () {
        L.Popup.prototype._updateLayout.call(this);
        if (tipRoom === null) tipRoom = parseInt(getComputedStyle(this._container).marginBottom, 10) || 0;
        this._height = this._container.offsetHeight + tipRoom; // laid out already by the width just read
      },
      // _adjustPan moves the map by as much as the popup overflows it.
      _adjustPan: function () {
        var map = this._map;
        if (!map || this.holdPan || !this.options.autoPan) return;
        if (map._panAnim) map._panAnim.stop();
        var d = this.overflow(map.latLngToContainerPoint(this._latlng), map.getSize());
        if (!d.x && !d.y) return;
        map.fire("autopanstart");
        map.panBy(d, { animate: !P.reducedMotion });
      },
      // overflow returns how far the map must move for the popup, its tip
      // at container point tip, to lie inside a map of size less the
      // popup's auto-pan padding (as Leaflet pans it: left and top win).
      overflow: function (tip, size) {
        var o = this.options, off = L.point(o.offset);
        var tl = L.point(o.autoPanPaddingTopLeft || o.autoPanPadding), br = L.point(o.autoPanPaddingBottomRight || o.autoPanPadding);
        var w = this._containerWidth, h = this._height;
        var x = tip.x + off.x - Math.round(w / 2), y = tip.y + off.y - h, dx = 0, dy = 0;
        if (x + w + br.x > size.x) dx = x + w - size.x + br.x;
        if (x - dx - tl.x < 0) dx = x - tl.x;
        if (y + h + br.y > size.y) dy = y + h - size.y + br.y;
        if (y - dy - tl.y < 0) dy = y - tl.y;
        return L.point(dx, dy);
      }
    });
  }

  // install gives the map page A its popups: A.openRecord, A.openCluster
  // and A.closePopup.
  function install(A) {
    var L = A.L, map = A.map, mapEl = map.getContainer();
    defineRecordPopup(L);
    A.popup = null;
    A.selected = null;
    A.flying = false; // while the map moves to a record, whose popup then writes the URL

    A.closePopup = function () {
      if (A.popup) { var p = A.popup; A.popup = null; map.closePopup(p); }
      map.closePopup();
    };

    // popupOptions keeps a popup clear of the map's controls (zoom, scale,
    // notes, attribution): its auto-pan padding is what they cover, and
    // its height what is left, so that its close button always shows.
    // The room the controls leave is measured once and kept until the map
    // changes size, the base map changes, or a control comes or goes:
    // measuring forces a layout of the page, which at 10,000 records cost
    // a popup 20–40 ms.
    var room = null, roomKey = "";
    map.on("resize baselayerchange", function () { room = null; });
    function popupOptions(className) {
      var key = Array.prototype.map.call(mapEl.querySelectorAll(".leaflet-control-container > div"), function (c) { return c.children.length; }).join(",");
      if (!room || key !== roomKey) { room = measureRoom(); roomKey = key; }
      return { maxWidth: room.maxWidth, offset: [0, -4], className: className, maxHeight: room.maxHeight,
        autoPanPaddingTopLeft: room.topLeft, autoPanPaddingBottomRight: room.bottomRight };
    }
    // A.measurePopupRoom measures the room ahead of the first popup, once
    // the page is drawn, and lays out a hidden popup's text once: the first
    // layout of text in the popup's fonts took the first popup 10 ms more
    // than the next.
    var warm = false;
    A.measurePopupRoom = function () {
      popupOptions("");
      if (warm || !A.records.length) return;
      warm = true;
      var wrap = el("div", "leaflet-popup-content-wrapper"), inner = wrap.appendChild(el("div", "leaflet-popup-content"));
      wrap.style.cssText = "position: absolute; left: 0; top: 0; visibility: hidden";
      wrap.setAttribute("aria-hidden", "true");
      inner.appendChild(popupContent(A.records[0]));
      map.getPane("popupPane").appendChild(wrap);
      void wrap.offsetWidth;
      wrap.remove();
    };
    // measureRoom reads the room the controls leave from the page.
    function measureRoom() {
      var box = mapEl.getBoundingClientRect();
      var edge = function (corner, side) {
        var c = mapEl.querySelector(".leaflet-" + corner), n = 0;
        if (!c) return 0;
        Array.prototype.forEach.call(c.children, function (ch) {
          var r = ch.getBoundingClientRect();
          if (!r.width) return;
          n = Math.max(n, side === "top" ? r.bottom - box.top : side === "bottom" ? box.bottom - r.top
            : side === "left" ? r.right - box.left : box.right - r.left);
        });
        return Math.min(n, side === "top" || side === "bottom" ? box.height / 3 : box.width / 3);
      };
      var top = Math.max(edge("top.leaflet-left", "top"), edge("top.leaflet-right", "top")) + 8;
      var bottom = Math.max(edge("bottom.leaflet-left", "bottom"), edge("bottom.leaflet-right", "bottom")) + 8;
      var left = edge("top.leaflet-left", "left") + 8;
      return { maxWidth: Math.max(180, Math.min(300, mapEl.clientWidth - 2 * left - 20)),
        // The content's height: what is left after the controls, the
        // popup's own padding and tip (about 50 px) and a margin.
        maxHeight: Math.max(90, box.height - top - bottom - 60),
        topLeft: [left, top], bottomRight: [8, bottom] };
    }

    var openToken = 0;
    // A.openRecord shows a record's popup, moving the map to it. The
    // popup opens whole with what data.js holds (A.popupFields). Where it
    // does not hold all (a site drawn from vector tiles), the popup opens
    // with the title, date, place, layer and the link to the record's
    // page, the record's detail chunk starts loading now, and the rest is
    // filled in when it arrives; details that fail to load leave the popup
    // as it is.
    A.openRecord = function (id, opt) {
      var r = A.byId[id];
      if (!r) return;
      opt = opt || {};
      var whole = A.popupFields ? A.popupFields(r) : !!r.f;
      if (!whole) A.needDetails([r], function () {});
      var changed = A.selected !== id;
      A.selected = id;
      if (A.phone.matches && opt.fly) A.setCollapsed(true);
      var ll = L.latLng(r.lat, r.lon);
      var z = Math.min(A.maxZoom, Math.max(Math.round(map.getZoom()), P.PRECISION_ZOOM[r.p.precision] || 8));
      // A record across a country or region is shown with its whole area.
      if (r.area) z = Math.min(Math.round(map.getZoom()), P.PRECISION_ZOOM[r.p.precision] || 5);
      if (opt.keepView) z = map.getZoom();
      var token = ++openToken;
      // show opens the popup and, with zoom, moves the map to the record
      // at that zoom.
      var show = function (zoom) {
        if (token !== openToken) return; // another record was opened since
        A.closePopup();
        var content = popupContent(r);
        var popup = A.popup = new L.RecordPopup(popupOptions("record-popup")).setLatLng(ll).setContent(content);
        popup.recordId = id;
        // Until the popup is in place, a move of the map (its pan into view,
        // at once with reduced motion) is drawn and written below, once.
        A.flying = true;
        if (zoom == null) {
          popup.openOn(map);
        } else {
          // The popup is laid out before the map moves, while the rest of
          // the page is as laid out for the last frame: after the move, its
          // layout waited for the new view's (15-20 ms at 10,000 records).
          // The map then moves once, to where the popup fits in view.
          popup.holdPan = true;
          popup.openOn(map);
          popup.holdPan = false;
          A.clearPoints(); // the draw below draws those of the new view
          var size = map.getSize(), at = map.project(ll, zoom);
          map.setView(map.unproject(at.add(popup.overflow(size.divideBy(2), size)), zoom), zoom, { animate: false });
        }
        A.flying = false;
        // The list follows in the task after the popup is painted: the
        // map's markers, badges and labels are drawn now, so that the
        // popup never shows over a map not yet drawn.
        A.draw({ listLater: true });
        if (!whole) {
          A.needDetails([r], function (ok) {
            if (A.popup !== popup) return;
            if (!ok) { content.setAttribute("data-details", "failed"); return; }
            fillDetails(content, r);
            // Its size may have changed: lay it out and pan it into view
            // again. Not popup.update(), which puts the content in anew and
            // so takes the keyboard focus from it.
            popup._updateLayout();
            popup._updatePosition();
            popup._adjustPan();
          });
        }
        var box = popup.getElement();
        if (box) {
          // Escape closes the popup and returns to the list entry.
          box.addEventListener("keydown", function (e) {
            if (e.key !== "Escape") return;
            map.closePopup();
            if (A.entryFor[id]) A.entryFor[id].focus();
          });
          if (opt.focusPopup) box.querySelector(".popup-title").focus();
        }
        if (changed || opt.push) A.writeHash(!!opt.push && changed);
      };
      // A record clicked on the map stays where it is; one opened from the
      // list or the URL is brought into view, close enough to stand apart.
      var move = !opt.fromMarker && (map.getZoom() < z || (r.area && map.getZoom() > z) || !map.getBounds().contains(ll));
      if (opt.keepView || !move) { show(); return; }
      A.flying = true; // the URL is written once, by show
      if (opt.fly && !P.reducedMotion) {
        var done = false, once = function () { if (!done) { done = true; show(); } };
        map.once("moveend", once);
        setTimeout(once, 2500);
        map.flyTo(ll, z, { duration: 0.8 });
      } else {
        show(z);
      }
    };

    // A.openCluster lists records that share a point, each a button that
    // opens it.
    A.openCluster = function (leaves, ll, title) {
      var box = el("div", "popup cluster-popup");
      box.appendChild(el("p", "popup-title", title || P.num(leaves.length) + " records at this place"));
      var ul = el("ul", "cluster-list");
      leaves.forEach(function (r) {
        var li = el("li"), b = el("button");
        b.type = "button";
        b.appendChild(P.symbolSVG(r.layer));
        b.appendChild(el("span", null, r.p.title + " (" + r.p.date_text + ")"));
        b.addEventListener("click", function (ev) { A.openRecord(r.id, { push: true, fromMarker: true, focusPopup: ev.detail === 0 }); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      box.appendChild(ul);
      A.closePopup();
      var list = A.listPopup = L.popup(popupOptions("cluster-popup-wrap")).setLatLng(ll).setContent(box);
      // Closed with no record chosen: the URL no longer names one.
      list.on("remove", function () {
        if (A.listPopup === list) A.listPopup = null;
        setTimeout(function () { if (!A.selected && !A.listPopup) A.writeHash(false); }, 0);
      });
      list.openOn(map);
    };

    // When the map changes size (a phone's sheet opens, the window turns),
    // the open popup is fitted again to the room left and panned into it.
    map.on("resize", function () {
      if (!A.popup || !A.popup.isOpen()) return;
      var o = popupOptions("record-popup");
      ["maxWidth", "maxHeight", "autoPanPaddingTopLeft", "autoPanPaddingBottomRight"].forEach(function (k) { A.popup.options[k] = o[k]; });
      A.popup.update();
    });

    // A closed popup takes the record out of the URL, unless the close
    // came from a click on another record or group (Leaflet closes the
    // popup just before the marker's click opens the next): the entry of
    // the record closed must stay in the history, for Back to return to it.
    map.on("popupclose", function (e) {
      if (A.popup && e.popup === A.popup) {
        A.popup = null;
        A.selected = null;
        A.draw();
        var token = openToken;
        setTimeout(function () {
          if (A.selected || token !== openToken || A.listPopup) return;
          A.writeHash(false);
        }, 0);
      }
    });
  }

  P.popup = { content: popupContent, fillDetails: fillDetails, install: install };
})(window.mapsiteParts = window.mapsiteParts || {});
