// The base map in headless Chromium: labels at every zoom a reader lands
// on, no label over another or over a marker, the seas where Natural
// Earth's antimeridian polygons used to spill, the record pages' static
// locator, the offline map from file://, and a publisher's PMTiles street
// map over a host with and without byte ranges. Screenshots go to
// artifacts/basemap-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { ROOT, ARTIFACTS, build, removeBuild, serve, launch, newPage, waitForMap, fileURL } from './lib/harness.mjs';

const STREET = path.join(ROOT, 'tests', 'fixtures', 'street');
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 375, height: 812, isMobile: true }];
const SEA = [0xdb, 0xe5, 0xec]; // --sea, the offline map's water
const LAND = [0xf7, 0xf5, 0xf0];
// @protomaps/basemaps' light flavour, as protomaps-leaflet bundles it.
const STREET_WATER = [0x80, 0xde, 0xea];
const STREET_EARTH = [0xe2, 0xdf, 0xda];

let seed, street, browser, seedSrv;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [seed, street] = await Promise.all([build(ROOT), build(STREET)]);
  seedSrv = await serve(seed, '/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await seedSrv?.close();
  for (const out of [seed, street]) if (out) await removeBuild(out);
});

// serveRanges serves dir at / like harness.serve, answering Range requests
// with 206 (as static hosts do) unless ranges is false.
async function serveRanges(dir, ranges) {
  const server = createServer(async (req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' }[path.extname(file)] || 'application/octet-stream';
      const m = ranges && /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
      if (m) {
        const start = +m[1], end = Math.min(m[2] ? +m[2] : body.length - 1, body.length - 1);
        res.writeHead(206, { 'Content-Type': type, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' });
        res.end(body.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

// pixel returns the colour on screen at x, y: a 1×1 PNG screenshot, whose
// one scanline needs no unfiltering (every PNG filter predicts 0 there).
async function pixel(page, x, y) {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const chunks = [];
  for (let i = 8; i < png.length;) {
    const len = png.readUInt32BE(i), type = png.toString('ascii', i + 4, i + 8);
    if (type === 'IDAT') chunks.push(png.subarray(i + 8, i + 8 + len));
    i += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  return [raw[1], raw[2], raw[3]];
}

function near(got, want, tol = 8) {
  return got.every((v, i) => Math.abs(v - want[i]) <= tol);
}

// labelsInView returns the base-map labels drawn inside the map and the
// markers' positions, read from the page.
async function labelsInView(page) {
  return page.evaluate(() => {
    const map = window.mapsite.map, r = map.getContainer().getBoundingClientRect();
    const labels = [...document.querySelectorAll('.basemap-label')].filter((e) => e.style.display !== 'none').map((e) => {
      const b = e.getBoundingClientRect();
      return { name: e.textContent, kind: e.dataset.kind, box: [b.left - r.left, b.top - r.top, b.right - r.left, b.bottom - r.top] };
    }).filter((l) => l.box[2] > 0 && l.box[3] > 0 && l.box[0] < r.width && l.box[1] < r.height);
    const markers = window.mapsite.visible().map((id) => window.mapsite.markerOf(id)).filter(Boolean)
      .map((ll) => map.latLngToContainerPoint(ll)).filter((p) => p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height)
      .map((p) => [p.x, p.y]);
    return { labels, markers, zoom: map.getZoom() };
  });
}

const VIEWS = [
  { name: 'world', hash: '#z=3&lat=35&lon=40', zoom: 3, min: 12, expect: ['Russia'] },
  { name: 'iran', hash: '#z=6&lat=32.5&lon=54', zoom: 6, min: 8, expect: ['Iran', 'Kerman'] },
  { name: 'istanbul', hash: '#z=10&lat=41.02&lon=28.97', zoom: 10, min: 5, expect: [] },
  { name: 'santa-maria', hash: '#id=istanbul-2024-01-28-santa-maria', zoom: 10, min: 3, expect: [] },
  { name: 'crocus', hash: '#id=krasnogorsk-2024-03-22-crocus&z=13&lat=55.8253&lon=37.3887', zoom: 13, min: 2, expect: ['Krasnogorsk'] },
];

for (const vp of VIEWPORTS) {
  for (const v of VIEWS) {
    test(`labels at ${v.name} (zoom ${v.zoom}), ${vp.width}×${vp.height}`, async () => {
      const { page, context, problems } = await newPage(browser, seedSrv.url, { viewport: { width: vp.width, height: vp.height }, isMobile: vp.isMobile });
      try {
        await page.goto(seedSrv.url + v.hash);
        await waitForMap(page);
        await page.waitForFunction((n) => document.querySelectorAll('.basemap-label:not([style*="display: none"])').length >= n, v.min, { timeout: 10_000 }).catch(() => {});
        await page.waitForTimeout(400); // the last cell scripts
        const { labels, markers, zoom } = await labelsInView(page);
        await page.screenshot({ path: path.join(ARTIFACTS, `basemap-${v.name}-${vp.width}x${vp.height}.png`) });
        assert.ok(zoom >= v.zoom, `zoom ${zoom}, want at least ${v.zoom}`);
        const min = vp.width < 500 ? Math.ceil(v.min / 2) : v.min;
        assert.ok(labels.length >= min, `${labels.length} labels in view, want at least ${min}: ${labels.map((l) => l.name).join(', ')}`);
        const names = labels.map((l) => l.name);
        if (vp.width >= 1000) for (const want of v.expect) assert.ok(names.includes(want), `no label ${want} among ${names.join(', ')}`);
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            const a = labels[i].box, b = labels[j].box;
            const overlap = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 1 && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 1;
            assert.ok(!overlap, `labels ${labels[i].name} and ${labels[j].name} overlap`);
          }
          for (const [x, y] of markers) {
            const a = labels[i].box;
            assert.ok(!(x > a[0] + 1 && x < a[2] - 1 && y > a[1] + 1 && y < a[3] - 1), `label ${labels[i].name} covers a marker at ${x}, ${y}`);
          }
        }
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    });
  }
}

test('the seas around the antimeridian are sea in the default view', async () => {
  const { page, context, problems } = await newPage(browser, seedSrv.url);
  try {
    await page.goto(seedSrv.url);
    await waitForMap(page);
    await page.waitForTimeout(500);
    const points = [
      { name: 'Barents Sea', lat: 72, lon: 40, want: SEA },
      { name: 'White Sea', lat: 65.5, lon: 38.5, want: SEA },
      { name: 'South Pacific', lat: -16, lon: -150, want: SEA },
      { name: 'Moscow region (land, for contrast)', lat: 57, lon: 40, want: LAND },
    ];
    for (const p of points) {
      // A point off the default view is brought into it at the same zoom.
      const at = await page.evaluate(({ lat, lon }) => {
        const map = window.mapsite.map, size = map.getSize();
        let c = map.latLngToContainerPoint([lat, lon]);
        if (c.x < 20 || c.y < 20 || c.x > size.x - 20 || c.y > size.y - 20) {
          map.setView([lat, lon], map.getZoom(), { animate: false });
          c = map.latLngToContainerPoint([lat, lon]);
        }
        const r = map.getContainer().getBoundingClientRect();
        return { x: r.left + c.x, y: r.top + c.y, moved: true };
      }, p);
      await page.waitForTimeout(300);
      const got = await pixel(page, at.x, at.y);
      assert.ok(near(got, p.want), `${p.name} (${p.lat}, ${p.lon}) is rgb(${got}), want rgb(${p.want})`);
    }
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the world script\'s badge points are those the page would find on the outlines', async () => {
  // Package basemap finds each country's badge point when the base map is
  // made (badges.go); map-areas.js's labelPoint finds the same on the
  // outlines it decodes, for an area the world script has no point for.
  const { page, context, problems } = await newPage(browser, seedSrv.url);
  try {
    await page.goto(seedSrv.url);
    await waitForMap(page);
    const r = await page.evaluate(() => {
      const P = window.mapsiteParts, lp = window.MAPSITE_BASEMAP.lp || {}, out = { n: 0, far: [], missing: [] };
      P.basemap.countryShapes().forEach((f) => {
        const want = P.areas.labelPoint(f), got = lp[f.properties.cc];
        if (!want) return;
        if (!got) { out.missing.push(f.properties.cc); return; }
        out.n++;
        // Written to four decimals; the cosine of Go and of V8 may differ
        // in the last bit, which moves no point further.
        if (Math.abs(got[0] - want[0]) > 6e-5 || Math.abs(got[1] - want[1]) > 6e-5) out.far.push(`${f.properties.cc}: ${got} for ${want}`);
      });
      return out;
    });
    assert.ok(r.n > 150, `only ${r.n} countries have badge points`);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.far, []);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('an area outside any outline of its own is drawn as the country whose outline holds it, found without decoding every country', async () => {
  // map-areas.js's shapeOf looks among the polygons whose bounds hold the
  // point (basemap.js's countryPolygonsAt); it must find what a search of
  // every decoded outline in order finds.
  const { page, context, problems } = await newPage(browser, seedSrv.url);
  try {
    await page.goto(seedSrv.url);
    await waitForMap(page);
    const r = await page.evaluate(() => {
      const P = window.mapsiteParts, all = P.basemap.countryShapes(), out = { found: 0, diff: [] };
      const inRing = (x, y, ring) => {
        let inside = false;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i], [xj, yj] = ring[j];
          if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
      };
      const holds = (poly, x, y) => inRing(x, y, poly[0]) && !poly.slice(1).some((h) => inRing(x, y, h));
      for (let lat = -60; lat <= 80; lat += 2.3) {
        for (let lon = -180; lon <= 180; lon += 2.9) {
          const want = all.find((f) => f.geometry.coordinates.some((poly) => holds(poly, lon, lat)));
          const got = P.areas.shapeOf('', lon, lat);
          if (want) out.found++;
          const w = want ? want.properties.cc : null, g = got ? got.properties.cc : null;
          if (w !== g) out.diff.push(`${lon},${lat}: ${g} for ${w}`);
        }
      }
      // Gibraltar's point, in Spain's outline; a code with an outline of its own.
      out.gi = P.areas.shapeOf('GI', -5.35, 36.14).properties.cc;
      out.fr = P.areas.shapeOf('FR', 0, 0).properties.cc;
      return out;
    });
    assert.ok(r.found > 500, `only ${r.found} points on land`);
    assert.deepEqual(r.diff.slice(0, 5), []);
    assert.equal(r.gi, 'ES');
    assert.equal(r.fr, 'FR');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('record pages carry a static locator and load no map script', async () => {
  const { page, context, problems } = await newPage(browser, seedSrv.url);
  const scripts = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
  try {
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      await page.goto(seedSrv.url + 'incidents/krasnogorsk-2024-03-22-crocus/');
      const loc = await page.evaluate(() => {
        const svg = document.querySelector('.locator svg.locator-svg');
        return svg && { texts: [...svg.querySelectorAll('text')].map((t) => t.textContent), label: svg.getAttribute('aria-label'), w: svg.getBoundingClientRect().width };
      });
      assert.ok(loc, 'no locator SVG');
      assert.ok(loc.texts.length >= 2 && loc.texts.includes('Krasnogorsk'), `locator names ${loc.texts}`);
      assert.ok(loc.w > 150, `locator ${loc.w} px wide`);
      assert.ok(await page.locator('.on-map a').count(), 'no "Show on the map"');
      await page.locator('.locator').screenshot({ path: path.join(ARTIFACTS, `basemap-locator-${vp.width}x${vp.height}.png`) });
    }
    assert.ok(!scripts.some((u) => /leaflet|basemap|map-/.test(u)), `a record page loaded ${scripts.join(', ')}`);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('from file:// the offline map loads its cells and labels', async () => {
  const base = fileURL(seed);
  const { page, context, problems } = await newPage(browser, base);
  try {
    await page.goto(base + 'index.html#z=10&lat=41.02&lon=28.97');
    await waitForMap(page);
    await page.waitForFunction(() => document.querySelectorAll('.basemap-label:not([style*="display: none"])').length >= 5, null, { timeout: 10_000 });
    // Districts come only from the cell scripts of zoom 9 and deeper.
    const kinds = await page.evaluate(() => [...document.querySelectorAll('.basemap-label:not([style*="display: none"])')].map((e) => e.dataset.kind));
    assert.ok(kinds.includes('district'), `no district labels from disk: ${kinds}`);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

// streetView opens the street fixture and returns the colours on its
// water and its land, and the note the map shows, if any.
async function streetView(base, { note = false } = {}) {
  const { page, context, problems } = await newPage(browser, base);
  try {
    await page.goto(base + (base.startsWith('file:') ? 'index.html' : ''));
    await waitForMap(page);
    if (note) await page.waitForSelector('.outline-note', { timeout: 10_000 });
    else await page.waitForFunction(() => !!document.querySelector('.leaflet-pane canvas[width]') && window.mapsite.map.hasLayer && true, null, { timeout: 10_000 });
    await page.waitForTimeout(1500); // protomaps-leaflet paints its tiles
    const pt = (lat, lon) => page.evaluate(([la, lo]) => {
      const map = window.mapsite.map, c = map.latLngToContainerPoint([la, lo]), r = map.getContainer().getBoundingClientRect();
      return [r.left + c.x, r.top + c.y];
    }, [lat, lon]);
    const [wx, wy] = await pt(40.95, 28.9), [ex, ey] = await pt(41.1, 28.9);
    const out = {
      water: await pixel(page, wx, wy), earth: await pixel(page, ex, ey),
      note: await page.locator('.outline-note').textContent().catch(() => ''),
      attribution: await page.locator('.leaflet-control-attribution').textContent(),
      problems: problems(), page,
    };
    await page.screenshot({ path: path.join(ARTIFACTS, `basemap-street-${base.startsWith('file:') ? 'file' : note ? 'norange' : 'http'}-1280x800.png`) });
    return out;
  } finally {
    await context.close();
  }
}

test('a publisher\'s PMTiles file is drawn as the street map', async () => {
  const srv = await serveRanges(street, true);
  try {
    const v = await streetView(srv.url);
    assert.ok(near(v.water, STREET_WATER, 12), `water is rgb(${v.water}), want the light flavour's rgb(${STREET_WATER})`);
    assert.ok(near(v.earth, STREET_EARTH, 12), `earth is rgb(${v.earth}), want rgb(${STREET_EARTH})`);
    assert.match(v.attribution, /© OpenStreetMap/);
    assert.deepEqual(v.problems, []);
  } finally {
    await srv.close();
  }
});

test('without byte ranges, or from file://, the offline map stays, with a note', async () => {
  const srv = await serveRanges(street, false);
  try {
    const v = await streetView(srv.url, { note: true });
    assert.match(v.note, /byte-range/);
    assert.ok(near(v.water, SEA), `water is rgb(${v.water}), want the offline sea rgb(${SEA})`);
    assert.deepEqual(v.problems, []);
  } finally {
    await srv.close();
  }
  const f = await streetView(fileURL(street), { note: true });
  assert.match(f.note, /served over http/);
  assert.ok(near(f.water, SEA), `from disk, water is rgb(${f.water}), want rgb(${SEA})`);
  assert.deepEqual(f.problems, []);
});
