// map-search.js searches a large site's records: a site whose map reads
// them from vector tiles (map-tiles.js) holds none in the page, so the
// search reads the index of words the build writes (build/search.go).
//
//   - A query's words are folded as the build folds the records' words
//     (lower case, no diacritics); a record is found when each word of
//     two characters or more begins one of the words of its title,
//     place, country, tags or perpetrator. Summaries are not searched.
//   - The records found are listed, newest first, as far as the other
//     filters (layers, attribution, country, dates, perpetrator, tag)
//     keep them (A.keeps, map-tiles.js), from the cards: a few lines per
//     record in chunks of the model's order. The map keeps showing every
//     record those filters keep.
//   - An entry opens its record as a link to it does (#id=…).
(function (P) {
  "use strict";

  var SHOW = 50; // records listed at most
  var BATCH = 8; // card chunks asked for at once
  var MAX_CHUNKS = 40; // card chunks read for one list at most
  var FIELDS = 9; // values per record in a card chunk

  // words returns the distinct words of s as the index holds them.
  function words(s) {
    var out = [];
    P.fold(s).replace(/ς/g, "σ").split(/[^\p{L}\p{N}\p{M}]+/u).forEach(function (w) {
      if (Array.from(w).length >= 2 && out.indexOf(w) < 0) out.push(w);
    });
    return out;
  }

  // shardOf returns the shard that holds a word and every word it begins:
  // FNV-1a over its first two code points (searchShard in build/search.go).
  function shardOf(w, n) {
    var h = 2166136261;
    Array.from(w).slice(0, 2).forEach(function (c) { h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0; });
    return h % n;
  }

  // decode reads a word's record numbers from their base-36 differences.
  function decode(s) {
    var parts = s.split(","), out = new Array(parts.length), k = 0;
    for (var i = 0; i < parts.length; i++) out[i] = k += parseInt(parts[i], 36);
    return out;
  }

  // union and intersect take and give ascending record numbers.
  function union(lists) {
    if (lists.length === 1) return lists[0];
    var size = 0, at = 0, out = [];
    lists.forEach(function (l) { size += l.length; });
    var all = new Int32Array(size);
    lists.forEach(function (l) { all.set(l, at); at += l.length; });
    all.sort();
    for (var i = 0; i < all.length; i++) if (!i || all[i] !== all[i - 1]) out.push(all[i]);
    return out;
  }
  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  // install gives a large site's map page A its search: it takes over the
  // list while the search field holds a query.
  function install(A) {
    var S = A.D.search;
    if (!S) return;
    var form = document.getElementById("filters"), input = form.elements.q;
    var listEl = document.getElementById("record-list");
    var countEl = document.getElementById("visible-count");
    var wordEl = document.getElementById("visible-word");
    var noteEl = document.getElementById("list-note");
    input.placeholder = "Title, place, tag";
    var results = P.el("ol", "record-list search-results");
    results.id = "search-results";
    results.setAttribute("aria-labelledby", "list-title");
    results.hidden = true;
    listEl.parentNode.insertBefore(results, listEl.nextSibling);

    var postings = {}; // word -> its record numbers, decoded once
    var cards = {}; // card chunk number -> its values ([] when it failed)
    var found = null; // what the list shows: { q, n, shown, partial } or { q, note }
    var token = 0;

    // find calls done(record numbers) for the words ws, or done(null)
    // when a shard failed to load.
    function find(ws, done) {
      var need = [];
      ws.forEach(function (w) { var i = shardOf(w, S.shards.length); if (need.indexOf(i) < 0) need.push(i); });
      var items = {}, left = need.length, ok = true;
      need.forEach(function (i) {
        P.data.loadScript(S.shards[i], "s" + i, function (list) {
          if (list) items[i] = list; else ok = false;
          if (--left) return;
          if (!ok) { done(null); return; }
          var ks = null;
          ws.forEach(function (w) {
            var list = items[shardOf(w, S.shards.length)], lists = [];
            for (var j = 0; j < list.length; j += 2) {
              if (list[j].lastIndexOf(w, 0) === 0) lists.push(postings[list[j]] || (postings[list[j]] = decode(list[j + 1])));
            }
            var mine = lists.length ? union(lists) : [];
            ks = ks ? intersect(ks, mine) : mine;
          });
          done(ks);
        });
      });
    }

    // card returns record k as its card tells it, shaped for
    // P.data.matches, or null when its chunk failed.
    function card(k) {
      var c = Math.floor(k / S.card_size), v = cards[c], o = (k - c * S.card_size) * FIELDS;
      if (!v || o >= v.length) return null;
      var layer = A.layerList[v[o + 3]] || { key: "", name: "", color: "#555", symbol: "circle" };
      return { k: k, id: v[o], title: v[o + 1], dateText: v[o + 2], layer: layer, start: v[o + 5], end: v[o + 6] || v[o + 5],
        where: v[o + 7], p: { country: v[o + 4], attribution: A.attributionKey[v[o + 8]] || "" } };
    }

    // pick calls done(records, partial) with the newest of ks that the
    // filters f keep, SHOW at most, loading their cards; partial is set
    // when it stopped at MAX_CHUNKS before it had SHOW.
    function pick(ks, f, done) {
      var shown = [], i = ks.length - 1, asked = 0;
      (function step() {
        var want = [];
        for (; i >= 0 && shown.length < SHOW; i--) {
          var c = Math.floor(ks[i] / S.card_size);
          if (!cards[c]) {
            for (var j = i; j >= 0 && want.length < BATCH; j--) {
              var cj = Math.floor(ks[j] / S.card_size);
              if (!cards[cj] && want.indexOf(cj) < 0) want.push(cj);
            }
            break;
          }
          var r = card(ks[i]);
          if (r && A.keeps(r, f)) shown.push(r); // map-tiles.js: the perpetrator and tag too
        }
        if (!want.length || asked >= MAX_CHUNKS) { done(shown, want.length > 0); return; }
        asked += want.length;
        var left = want.length;
        want.forEach(function (c) {
          P.data.loadScript(S.cards[c], "c" + c, function (items) {
            cards[c] = items || [];
            if (--left === 0) step();
          });
        });
      })();
    }

    // update searches again after the query or the filters changed.
    function update() {
      var q = input.value.trim(), my = ++token;
      if (!q) {
        if (!found) return;
        found = null;
        results.hidden = true;
        listEl.hidden = false;
        A.drawList();
        return;
      }
      var ws = words(q);
      listEl.hidden = true;
      results.hidden = false;
      if (!ws.length) { show({ q: q, note: "Type a word of two letters or more to search." }); return; }
      if (!found || found.q !== q) show({ q: q, note: "Searching…", busy: true });
      results.setAttribute("aria-busy", "true");
      var f = A.filters;
      find(ws, function (ks) {
        if (my !== token) return;
        if (!ks) { show({ q: q, note: "The search index could not be loaded." }); return; }
        pick(ks, f, function (shown, partial) {
          if (my === token) show({ q: q, n: ks.length, shown: shown, partial: partial });
        });
      });
    }

    // show lists what a search found, and says so above the list.
    function show(s) {
      found = s;
      // Until the list is whole it is busy; then it says for which query.
      if (s.busy) {
        results.setAttribute("aria-busy", "true");
      } else {
        results.removeAttribute("aria-busy");
        results.dataset.q = s.q;
      }
      var items = (s.shown || []).map(function (r) {
        var li = P.el("li"), b = P.el("button", "record-entry");
        b.type = "button";
        b.dataset.id = r.id;
        b.appendChild(P.symbolSVG(r.layer));
        b.appendChild(P.el("span", "entry-title", r.title));
        b.appendChild(P.el("span", "entry-meta", r.dateText + (r.where ? " · " + r.where : "") + " · " + r.layer.name));
        if (r.id === A.selected) b.setAttribute("aria-current", "true");
        li.appendChild(b);
        return li;
      });
      results.replaceChildren.apply(results, items);
      counts();
      if (s.shown && window.performance && performance.mark) performance.mark("mapsite:search-listed");
    }
    function counts() {
      if (!found) return;
      noteEl.hidden = false;
      if (found.note) {
        countEl.textContent = "";
        wordEl.textContent = "Search";
        noteEl.textContent = found.note;
        return;
      }
      countEl.textContent = P.num(found.n);
      wordEl.textContent = found.n === 1 ? "record found" : "records found";
      var n = found.shown.length, text;
      if (!found.n) text = "No record has these words in its title, place, country, tags or perpetrator.";
      else if (!n && !found.partial) text = "None of them is kept by the other filters.";
      else {
        text = (n === found.n ? "Listed newest first" : "The " + P.num(n) + " newest " + (n === 1 ? "is" : "are") + " listed") +
          (found.partial ? " of those checked against the other filters so far: add a word to list more." : ", as far as the other filters keep them.");
      }
      noteEl.textContent = text + " The map shows every record the other filters keep; summaries are not searched.";
    }

    results.addEventListener("click", function (ev) {
      var b = ev.target.closest && ev.target.closest(".record-entry");
      if (!b) return;
      var focus = ev.detail === 0;
      A.findRecord(b.dataset.id, function (r) {
        if (r) A.openRecord(r.id, { push: true, fly: true, focusPopup: focus });
      });
    });

    var applyFilters = A.applyFilters;
    A.applyFilters = function () {
      applyFilters.apply(null, arguments);
      update();
    };
    // The tiles' list (drawn on every move) keeps to itself while the
    // search lists; the counts above the list are the search's.
    var drawList = A.drawList;
    A.drawList = function (selectionOnly) {
      drawList(selectionOnly);
      if (!found) return;
      counts();
      Array.prototype.forEach.call(results.querySelectorAll(".record-entry"), function (b) {
        if (b.dataset.id === A.selected) b.setAttribute("aria-current", "true");
        else b.removeAttribute("aria-current");
      });
    };
  }

  P.search = { install: install, words: words, shardOf: shardOf };
})(window.mapsiteParts = window.mapsiteParts || {});
