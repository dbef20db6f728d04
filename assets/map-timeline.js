// map-timeline.js draws the timeline under the map: records per period
// (week, month or year, whichever fits the width), stacked by layer, with
// records dated only to a month, season, year or span counted in every
// period their span touches. A brush selects the time window, which is
// the same as the From and To date filters: the map, the list, the counts
// and the URL follow it. Its two handles are sliders for the keyboard;
// play and step walk the window forward.
(function (P) {
  "use strict";

  var DAY = 86400000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  var MIN_BIN_PX = 7;

  // dayOf turns an ISO date (yyyy-mm-dd) into a day number (days since 1970).
  // Records share dates: each is worked out once.
  var days = Object.create(null);
  function dayOf(iso) {
    var d = days[iso];
    if (d === undefined) d = days[iso] = Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY);
    return d;
  }
  // isoOf turns a day number back into an ISO date.
  function isoOf(day) { return new Date(day * DAY).toISOString().slice(0, 10); }
  // longDate writes a day number for readers: "13 November 2015".
  function longDate(day) {
    var d = new Date(day * DAY);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function monthYear(day) {
    var d = new Date(day * DAY);
    return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  // UNITS are the periods a timeline may use, finest first: next(day)
  // gives the start of the period after the one that starts at day, and
  // floor(day) the start of the period day falls in.
  var UNITS = {
    week: {
      floor: function (d) { return d - ((d + 3) % 7); }, // Mondays (1 January 1970 was a Thursday)
      next: function (d) { return d + 7; },
      label: function (s) { return "week of " + longDate(s); }
    },
    month: {
      floor: function (d) { var x = new Date(d * DAY); return Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1) / DAY; },
      next: function (d) { var x = new Date(d * DAY); return Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 1) / DAY; },
      label: monthYear
    },
    year: {
      floor: function (d) { return Date.UTC(new Date(d * DAY).getUTCFullYear(), 0, 1) / DAY; },
      next: function (d) { return Date.UTC(new Date(d * DAY).getUTCFullYear() + 1, 0, 1) / DAY; },
      label: function (s) { return String(new Date(s * DAY).getUTCFullYear()); }
    }
  };

  // binsFor returns the periods of the finest unit that gives at most
  // maxBins periods from day min to day max: [{start, end}] with end
  // inclusive.
  function binsFor(min, max, maxBins) {
    var names = ["week", "month", "year"];
    for (var i = 0; i < names.length; i++) {
      var u = UNITS[names[i]], bins = [];
      for (var s = u.floor(min); s <= max && bins.length <= maxBins; s = u.next(s)) bins.push({ start: s, end: u.next(s) - 1 });
      if (bins.length <= maxBins || i === names.length - 1) return { unit: names[i], bins: bins };
    }
  }

  // binIndex returns the index of the bin that holds day (bins sorted).
  function binIndex(bins, day) {
    var lo = 0, hi = bins.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (bins[mid].start <= day) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // count fills each bin with the records whose span touches it, per
  // layer: exact (dated to the day) and spread (a longer span).
  function count(bins, records, nLayers) {
    bins.forEach(function (b) {
      b.exact = new Array(nLayers).fill(0);
      b.spread = new Array(nLayers).fill(0);
      b.total = 0;
    });
    records.forEach(function (r) {
      // Where a record falls is worked out once per set of bins.
      if (r.binsOf !== bins) {
        if (r.startDay == null) { r.startDay = dayOf(r.start); r.endDay = dayOf(r.end); }
        r.binsOf = bins;
        r.binA = binIndex(bins, r.startDay);
        r.binZ = binIndex(bins, r.endDay);
      }
      var a = r.binA, z = r.binZ, li = r.layer.index;
      // A group of the summary (map-tiles.js) counts n records at once.
      var exact = r.exact != null ? r.exact : r.startDay === r.endDay, w = r.n || 1;
      for (var i = a; i <= z; i++) {
        if (exact) bins[i].exact[li] += w; else bins[i].spread[li] += w;
        bins[i].total += w;
      }
    });
  }

  // install draws the timeline of map page A, if the page has one.
  function install(A) {
    var root = document.getElementById("timeline");
    // A large site's map counts the groups of its summary (A.summaryRecords, map-tiles.js).
    var records = A.summaryRecords || A.records;
    if (!root || !records.length) return;
    records.forEach(function (r) { r.startDay = dayOf(r.start); r.endDay = dayOf(r.end); });
    var min = dayOf(A.span.min), max = dayOf(A.span.max);
    var chart = document.getElementById("timeline-chart");
    var windowText = document.getElementById("timeline-window");
    var playBtn = document.getElementById("timeline-play");
    var stepBtn = document.getElementById("timeline-step");
    var backBtn = document.getElementById("timeline-back");
    var allBtn = document.getElementById("timeline-all");
    // The bars are painted on a canvas: as SVG they were about 350
    // elements at 10,000 records, made again at every filter step.
    var bars = document.createElement("canvas");
    bars.className = "timeline-bars";
    bars.setAttribute("aria-hidden", "true");
    var sel = document.createElement("div");
    sel.className = "timeline-window";
    // Shades over the periods outside the window.
    var shades = [0, 1].map(function () { var d = document.createElement("div"); d.className = "timeline-shade"; return d; });
    chart.appendChild(bars);
    chart.appendChild(shades[0]);
    chart.appendChild(shades[1]);
    chart.appendChild(sel);
    var handles = ["from", "to"].map(function (which) {
      var h = document.createElement("div");
      h.className = "timeline-handle timeline-handle-" + which;
      h.tabIndex = 0;
      h.setAttribute("role", "slider");
      h.setAttribute("aria-label", which === "from" ? "Start of the time window" : "End of the time window");
      h.setAttribute("aria-valuemin", String(min));
      h.setAttribute("aria-valuemax", String(max));
      h.dataset.which = which;
      chart.appendChild(h);
      return h;
    });

    var T = { bins: [], unit: "month", key: null, countKey: null };
    A.timeline = T;

    // win returns the time window as day numbers, from the date filters.
    function win() {
      var f = A.filters || {};
      var a = f.from ? Math.max(min, dayOf(f.from)) : min;
      var b = f.to ? Math.min(max, dayOf(f.to)) : max;
      if (b < a) b = a;
      return [a, b];
    }
    function xOf(day) { return ((day - T.x0) / (T.x1 - T.x0)) * T.width; }
    function dayAt(x) { return Math.round(T.x0 + (x / T.width) * (T.x1 - T.x0)); }

    // setWindow makes [a, b] the time window, as the date filters.
    function setWindow(a, b) {
      a = Math.max(min, Math.min(max, a));
      b = Math.max(a, Math.min(max, b));
      A.setDates(a <= min ? "" : isoOf(a), b >= max ? "" : isoOf(b));
    }

    // layout bins the records to the chart's width and draws the bars.
    function layout() {
      T.width = chart.clientWidth || 600;
      T.height = chart.clientHeight || 60;
      var b = binsFor(min, max, Math.max(4, Math.floor(T.width / MIN_BIN_PX)));
      T.unit = b.unit;
      T.bins = b.bins;
      T.x0 = T.bins[0].start;
      T.x1 = T.bins[T.bins.length - 1].end + 1;
      T.key = T.countKey = null;
      update();
    }

    // countBars counts, per period and layer, the records the filters
    // other than the dates and the layers keep: a layer turned on or off
    // takes no pass over the records, only drawBars.
    // A large site's map may count other records than its summary's
    // (A.countable, A.keeps: map-tiles.js).
    function countBars(from) {
      var f = A.filters, keeps = A.keeps || P.data.matches;
      var shown = from.filter(function (r) { return keeps(r, f, true, true); });
      count(T.bins, shown, A.layerOrder.length);
    }

    // drawBars draws the stacked bars of the layers shown: exact dates
    // solid, spans paler.
    function drawBars() {
      var on = A.layerList.map(function (layer) { return !!A.filters.layers[layer.key]; });
      var top = 1;
      T.bins.forEach(function (bin) {
        bin.total = 0;
        for (var li = 0; li < on.length; li++) if (on[li]) bin.total += bin.exact[li] + bin.spread[li];
        top = Math.max(top, bin.total);
      });
      var ratio = window.devicePixelRatio || 1;
      bars.width = Math.round(T.width * ratio);
      bars.height = Math.round(T.height * ratio);
      bars.style.width = T.width + "px";
      bars.style.height = T.height + "px";
      var ctx = bars.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, T.width, T.height);
      var h = T.height - 2, unit = h / top;
      ctx.beginPath(); // the axis, as .timeline-axis was
      ctx.moveTo(0, T.height - 0.5);
      ctx.lineTo(T.width, T.height - 0.5);
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#767676";
      ctx.stroke();
      T.bins.forEach(function (bin) {
        var x = xOf(bin.start), w = Math.max(1, xOf(bin.end + 1) - x - 1), y = T.height - 1;
        A.layerList.forEach(function (layer, li) {
          if (!on[li]) return;
          [["exact", 1], ["spread", 0.45]].forEach(function (kind) {
            var n = bin[kind[0]][li];
            if (!n) return;
            var bh = Math.max(2.5, n * unit); // one record stays visible beside many
            y -= bh;
            ctx.globalAlpha = kind[1];
            ctx.fillStyle = layer.color;
            ctx.fillRect(x, y, w, bh);
          });
        });
      });
      ctx.globalAlpha = 1;
      // Year ticks under the bars.
      var ticks = chart.parentNode.querySelector(".timeline-ticks");
      ticks.textContent = "";
      var step = T.width / ((T.x1 - T.x0) / 365.25) < 34 ? 5 : 1;
      for (var y = new Date(T.x0 * DAY).getUTCFullYear(); y <= new Date(T.x1 * DAY).getUTCFullYear(); y++) {
        var d = Date.UTC(y, 0, 1) / DAY;
        var tx = xOf(d);
        if (d < T.x0 || d > T.x1 || y % step || tx < 14 || tx > T.width - 14) continue; // no label cut by the edge
        var t = P.el("span", "timeline-tick", String(y));
        t.style.left = (tx / T.width * 100).toFixed(2) + "%";
        ticks.appendChild(t);
      }
    }

    // update redraws what the filters changed: the bars when a filter
    // other than the dates changed, the brush always.
    function update() {
      if (!T.bins.length) return;
      var f = A.filters || {};
      var countKey = JSON.stringify([f.country, f.words || [], f.attribution, f.perpetrator, f.tag]);
      var key = countKey + JSON.stringify(f.layers), from = A.countable ? A.countable() : records;
      if (countKey !== T.countKey || from !== T.from) { T.countKey = countKey; T.from = from; T.key = null; countBars(from); }
      if (key !== T.key) { T.key = key; drawBars(); }
      var w = win(), a = xOf(w[0]), b = xOf(w[1] + 1);
      sel.style.left = a + "px";
      sel.style.width = Math.max(2, b - a) + "px";
      sel.classList.toggle("all", w[0] <= min && w[1] >= max);
      shades[0].style.left = "0";
      shades[0].style.width = Math.max(0, a) + "px";
      shades[1].style.left = b + "px";
      shades[1].style.width = Math.max(0, T.width - b) + "px";
      handles[0].style.left = a + "px";
      handles[1].style.left = b + "px";
      [[handles[0], w[0]], [handles[1], w[1]]].forEach(function (hv) {
        hv[0].setAttribute("aria-valuenow", String(hv[1]));
        hv[0].setAttribute("aria-valuetext", longDate(hv[1]));
      });
      windowText.textContent = w[0] <= min && w[1] >= max ? "All dates: " + monthYear(min) + " to " + monthYear(max)
        : longDate(w[0]) + " to " + longDate(w[1]);
      stepBtn.disabled = w[1] >= max;
      backBtn.disabled = w[0] <= min;
    }
    T.update = update;

    // snap moves day by n periods: to a period start (the From handle) or
    // a period end (the To handle).
    function snap(day, n, end) {
      var i = binIndex(T.bins, day), bins = T.bins;
      if (end) {
        var j = day >= bins[i].end ? i + n : (n > 0 ? i + n - 1 : i + n);
        return bins[Math.max(0, Math.min(bins.length - 1, j))].end;
      }
      var k = day > bins[i].start && n < 0 ? i + n + 1 : i + n;
      return bins[Math.max(0, Math.min(bins.length - 1, k))].start;
    }

    // ---- Keyboard ----
    handles.forEach(function (h) {
      h.addEventListener("keydown", function (e) {
        var end = h.dataset.which === "to", w = win(), v = end ? w[1] : w[0], n = 0;
        switch (e.key) {
          case "ArrowRight": case "ArrowUp": n = 1; break;
          case "ArrowLeft": case "ArrowDown": n = -1; break;
          case "PageUp": n = 12; break;
          case "PageDown": n = -12; break;
          case "Home": v = min; break;
          case "End": v = max; break;
          default: return;
        }
        e.preventDefault();
        stop();
        if (n) v = snap(v, n, end);
        if (end) setWindow(w[0], Math.max(w[0], v));
        else setWindow(Math.min(v, w[1]), w[1]);
      });
    });

    // ---- Pointer: drag a handle, drag the window, or draw a new one ----
    var drag = null;
    chart.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      stop();
      var r = chart.getBoundingClientRect(), x = e.clientX - r.left, w = win();
      var which = e.target.dataset && e.target.dataset.which;
      if (which) drag = { mode: which, w: w };
      else if (e.target === sel && !sel.classList.contains("all")) drag = { mode: "move", x: x, w: w };
      else drag = { mode: "new", day: dayAt(x), moved: false };
      chart.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    chart.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var r = chart.getBoundingClientRect(), x = Math.max(0, Math.min(T.width, e.clientX - r.left)), d = dayAt(x);
      if (drag.mode === "from") setWindow(Math.min(T.bins[binIndex(T.bins, d)].start, drag.w[1]), drag.w[1]);
      else if (drag.mode === "to") setWindow(drag.w[0], Math.max(drag.w[0], T.bins[binIndex(T.bins, d)].end));
      else if (drag.mode === "move") {
        var dd = dayAt(x) - dayAt(drag.x), len = drag.w[1] - drag.w[0];
        var a = Math.max(min, Math.min(max - len, drag.w[0] + dd));
        setWindow(a, a + len);
      } else {
        drag.moved = true;
        var i = binIndex(T.bins, Math.min(drag.day, d)), j = binIndex(T.bins, Math.max(drag.day, d));
        setWindow(T.bins[i].start, T.bins[j].end);
      }
    });
    function endDrag() {
      if (drag && drag.mode === "new" && !drag.moved) {
        var b = T.bins[binIndex(T.bins, drag.day)];
        setWindow(b.start, b.end); // a click picks one period
      }
      drag = null;
    }
    chart.addEventListener("pointerup", endDrag);
    chart.addEventListener("pointercancel", function () { drag = null; });

    // ---- Play and step ----
    var timer = 0;
    // step moves the window by n periods; a window over all dates first
    // becomes the first (or last) period.
    function step(n) {
      var w = win();
      if (w[0] <= min && w[1] >= max) {
        var b = n > 0 ? T.bins[0] : T.bins[T.bins.length - 1];
        setWindow(b.start, b.end);
        return true;
      }
      var i = binIndex(T.bins, w[0]), j = binIndex(T.bins, w[1]);
      if (i + n < 0 || j + n >= T.bins.length) return false;
      setWindow(T.bins[i + n].start, T.bins[j + n].end);
      return true;
    }
    function stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = 0;
      playBtn.setAttribute("aria-pressed", "false");
      playBtn.textContent = "Play";
    }
    playBtn.addEventListener("click", function () {
      if (timer) { stop(); return; }
      var w = win();
      if (w[1] >= max && !(w[0] <= min)) setWindow(min, max); // at the end: start again
      step(1);
      playBtn.setAttribute("aria-pressed", "true");
      playBtn.textContent = "Pause";
      timer = setInterval(function () { if (!step(1)) stop(); }, 900);
    });
    stepBtn.addEventListener("click", function () { stop(); step(1); });
    backBtn.addEventListener("click", function () { stop(); step(-1); });
    allBtn.addEventListener("click", function () { stop(); setWindow(min, max); });

    if (window.ResizeObserver) {
      var lastW = 0;
      new ResizeObserver(function () {
        if (chart.clientWidth && chart.clientWidth !== lastW) { lastW = chart.clientWidth; layout(); }
      }).observe(chart);
    }
    layout();
  }

  P.timeline = { install: install, dayOf: dayOf, isoOf: isoOf, binsFor: binsFor, count: count };
})(window.mapsiteParts = window.mapsiteParts || {});
