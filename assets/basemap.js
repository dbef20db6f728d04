// basemap.js draws the offline base map: the Natural Earth country
// outlines that the build ships as window.MAPSITE_BASEMAP (topojson), and
// the note that says so when the reader zooms in past what they show.
(function (P) {
  "use strict";

  // outlines returns the country outlines as a Leaflet layer drawn by
  // renderer, or null when the outline data did not load.
  function outlines(L, renderer) {
    var topo = window.MAPSITE_BASEMAP;
    if (!topo || !window.topojson) return null;
    return L.geoJSON(window.topojson.feature(topo, topo.objects.countries), {
      renderer: renderer, interactive: false, attribution: "Natural Earth",
      style: { color: "#b5ae9f", weight: 0.7, opacity: 1, fillColor: "#f7f5f0", fillOpacity: 1 }
    });
  }

  // install adds the base map to the map page A (A.base, null without
  // outline data), the tile layers site.toml configures with a switcher,
  // and the note that the outlines show no streets or towns.
  function install(A) {
    var L = A.L, map = A.map;
    map.createPane("basemap").style.zIndex = 150;
    var base = A.base = outlines(L, L.canvas({ pane: "basemap", padding: 0.3 }));
    if (base) base.addTo(map);
    if (A.tiles.length) {
      var choices = {};
      if (base) choices["Country outlines (offline)"] = base;
      A.tiles.forEach(function (t) {
        var esc = P.el("span", null, t.attribution || "").innerHTML; // escaped text, for Leaflet's innerHTML
        choices[t.name || "Tiles"] = L.tileLayer(t.url, { attribution: esc, maxZoom: t.max_zoom || 19 });
      });
      L.control.layers(choices, null, { collapsed: true }).addTo(map);
    }
    // Close in, the offline outlines show no streets or towns: say so.
    var OutlineNote = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () { return P.el("div", "outline-note", "Base map: country outlines only"); }
    });
    var outlineNote = new OutlineNote();
    function updateOutlineNote() {
      var show = base && map.hasLayer(base) && map.getZoom() >= 7;
      if (show && !outlineNote._map) outlineNote.addTo(map);
      else if (!show && outlineNote._map) outlineNote.remove();
    }
    map.on("zoomend baselayerchange", updateOutlineNote);
  }

  P.basemap = { outlines: outlines, install: install };
})(window.mapsiteParts = window.mapsiteParts || {});
