// table.js adds sorting and a filter box to the server-rendered table of
// records (incidents/index.html), which works without it. Column headers
// become buttons (click or Enter) and say their order with aria-sort.
(function () {
  "use strict";

  var table = document.getElementById("records");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ı/g, "i").toLowerCase();
  }

  function cellValue(row, i, kind) {
    var cell = row.cells[i];
    var v = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (kind === "number") return v === "" ? null : Number(v);
    return v;
  }

  // Rows keep their server order (oldest first) as the tie-breaker.
  rows.forEach(function (r, i) { r.dataset.order = String(i); });

  function sortBy(col, dir) {
    var kind = headers[col].dataset.sort;
    var sign = dir === "ascending" ? 1 : -1;
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellValue(a, col, kind), y = cellValue(b, col, kind), c;
      if (x === null || x === "") c = y === null || y === "" ? 0 : 1; // empty cells last, either way
      else if (y === null || y === "") c = -1;
      else {
        c = kind === "number" ? (x - y) * sign : x.localeCompare(y, undefined, { sensitivity: "base" }) * sign;
      }
      return c || (Number(a.dataset.order) - Number(b.dataset.order));
    });
    var frag = document.createDocumentFragment();
    sorted.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    headers.forEach(function (h, i) {
      if (i === col) h.setAttribute("aria-sort", dir);
      else h.removeAttribute("aria-sort");
    });
  }

  headers.forEach(function (th, i) {
    if (!th.dataset.sort) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sort-button";
    while (th.firstChild) b.appendChild(th.firstChild);
    b.setAttribute("title", "Sort by this column");
    b.addEventListener("click", function () {
      var cur = th.getAttribute("aria-sort");
      var first = th.dataset.sort === "text" ? "ascending" : "descending"; // newest and largest first
      sortBy(i, cur === first ? (first === "ascending" ? "descending" : "ascending") : first);
    });
    th.appendChild(b);
  });
  headers[0].setAttribute("aria-sort", "ascending"); // the server's order

  // Filter box: every word must appear in the row.
  var tools = document.getElementById("table-tools");
  var input = document.getElementById("table-filter");
  var count = document.getElementById("table-count");
  rows.forEach(function (r) { r.dataset.text = fold(r.getAttribute("data-search") + " " + r.textContent); });
  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (r) {
      var ok = words.every(function (w) { return r.dataset.text.indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = words.length ? shown + " of " + rows.length + " records" : "";
  }
  if (tools && input) {
    tools.hidden = false;
    input.addEventListener("input", filter);
  }
})();
