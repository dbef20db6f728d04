// map-core.js holds what every part of the map scripts shares: the
// namespace window.mapsiteParts, DOM helpers, layer symbols as SVG, and the
// words used for records' counts and precision. The map scripts are classic
// scripts (Chromium refuses module scripts from file://), loaded in order:
// map-core, map-data, map-draw, basemap, map-state, map-panel, map-popup,
// map-timeline, and map.js, which wires them. The DOM is built with
// createElement and textContent only: nothing from the data is ever parsed
// as HTML.
(function (P) {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  P.MAX_ZOOM = 14;      // without tiles: Natural Earth outlines say little closer in
  P.LIST_LIMIT = 300;   // list entries drawn at once; the rest are counted
  // Zoom at which a record is shown when opened, by location precision.
  P.PRECISION_ZOOM = { venue: 12, neighbourhood: 12, district: 10, city: 8, region: 6, country: 5 };
  P.reducedMotion = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  var COUNT_WORDS = [["killed", "killed"], ["injured", "injured"], ["casualties", "casualties"],
    ["detained", "detained"], ["arrested", "arrested"], ["deported", "deported"]];

  // afterPaint calls f once the browser has painted the next frame (or
  // soon, where no frame comes: a page in a background tab).
  P.afterPaint = function (f) {
    var done = false, once = function () { if (!done) { done = true; f(); } };
    requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 1000);
  };

  // P.holdBasemap holds the work of the base map on the cell scripts
  // that come in (P.whenFree: decoding them, drawing their land, placing
  // their labels) until the frame after the next is painted. A filter
  // step holds it: its markers go out in the next frame and its list in
  // the one after (map-draw.js), where the cells of a view just moved to
  // came in between and took 10-30 ms before them at 10,000 records.
  var held = null;
  P.holdBasemap = function () {
    if (held) return;
    held = [];
    P.afterPaint(function () {
      P.afterPaint(function () {
        var work = held;
        held = null;
        work.forEach(function (f) { f(); });
      });
    });
  };
  P.whenFree = function (f) {
    if (held) held.push(f);
    else f();
  };

  // el makes an element with an optional class and text.
  P.el = function (tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  };

  // html escapes text for the Leaflet options that are set as HTML: the
  // layers control's labels, attributions and tooltips. Every text that
  // reaches one of them goes through here (or is a DOM node).
  P.html = function (text) {
    return P.el("span", null, text == null ? "" : String(text)).innerHTML;
  };

  // SHAPES are the SVG shapes of the layer symbols, in a 16 × 16 box
  // centred on 0, 0: the same as the "symbol" template in base.html.
  P.SHAPES = {
    circle: ["circle", { r: "6.2" }],
    square: ["rect", { x: "-5.5", y: "-5.5", width: "11", height: "11" }],
    triangle: ["path", { d: "M0-7.2L7 5.6H-7Z" }],
    diamond: ["path", { d: "M0-7.6L7 0 0 7.6-7 0Z" }],
    star: ["path", { d: "M0-7L1.94-2.07 7.23-1.75 3.14 1.62 4.47 6.75 0 3.9-4.47 6.75-3.14 1.62-7.23-1.75-1.94-2.07Z" }]
  };

  // symbolSVG draws a layer's symbol in its colour, for the list and popups.
  P.symbolSVG = function (layer) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "symbol");
    svg.setAttribute("viewBox", "-8 -8 16 16");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = P.SHAPES[layer && layer.symbol] || P.SHAPES.circle;
    var s = document.createElementNS(SVG, shape[0]);
    for (var k in shape[1]) s.setAttribute(k, shape[1][k]);
    s.setAttribute("fill", (layer && layer.color) || "#555");
    s.setAttribute("stroke", "#1b1b1b");
    s.setAttribute("stroke-width", "1.2");
    svg.appendChild(s);
    return svg;
  };

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  // monthYear writes an ISO date's month for readers: "November 2015".
  P.monthYear = function (iso) {
    return MONTHS[+iso.slice(5, 7) - 1] + " " + iso.slice(0, 4);
  };

  // num writes a count for readers in the page's language (the site's
  // lang): "10,000" in English, "10.000" in German. Counts repeat (every
  // cluster and badge of a draw writes its own), so each is formatted once.
  var numberFormat = null, numbers = Object.create(null);
  P.num = function (n) {
    var s = numbers[n];
    if (s !== undefined) return s;
    if (!numberFormat) {
      try {
        numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
      } catch (err) { // a language tag Intl does not take
        numberFormat = new Intl.NumberFormat();
      }
    }
    return (numbers[n] = numberFormat.format(n));
  };

  // collator compares names for sorting, in the page's language.
  P.collator = function () {
    try {
      return new Intl.Collator(document.documentElement.lang || undefined);
    } catch (err) {
      return new Intl.Collator();
    }
  };

  // records writes a number of records: "1 record", "10,000 records".
  P.records = function (n) {
    return P.num(n) + (n === 1 ? " record" : " records");
  };

  // fold makes text comparable for search: lower case, no diacritics.
  P.fold = function (s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ı/g, "i").toLowerCase();
  };

  // precisionNote says, for readers, how precisely a record is placed.
  P.precisionNote = function (p) {
    if (p.coordinates_given) return "Placed at coordinates given by the analyst.";
    switch (p.precision) {
      case "venue": return "Placed at the venue.";
      case "neighbourhood": return "Placed at the neighbourhood.";
      case "country": return "Placed only at country level: the marker stands for the whole of " + (p.country_name || "the country") + ".";
      default: return "Approximate: placed at " + p.precision + " level.";
    }
  };

  // countsText gives a record's figures as the sources state them.
  P.countsText = function (p) {
    var out = [];
    COUNT_WORDS.forEach(function (c) {
      if (p[c[0] + "_text"] != null) out.push(p[c[0] + "_text"] + " " + c[1]);
    });
    return out.join(" · ");
  };
})(window.mapsiteParts = window.mapsiteParts || {});
