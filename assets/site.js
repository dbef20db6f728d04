// site.js runs on every page. Opened from disk (file://), a link to a
// folder ("incidents/x/", "../../#id=x") would show the folder's listing,
// not its page: it is pointed at the folder's index.html as it is followed.
// Served over http(s) the script does nothing.
(function () {
  "use strict";
  if (location.protocol !== "file:") return;
  function fix(e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (a && a.protocol === "file:" && /\/$/.test(a.pathname)) a.pathname += "index.html";
  }
  document.addEventListener("click", fix, true);
  document.addEventListener("auxclick", fix, true);
})();
