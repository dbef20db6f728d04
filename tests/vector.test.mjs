// A site above [map] vector_tiles_above: its map reads the records from
// vector tiles in one PMTiles archive, by byte ranges. Clusters are drawn
// from the tiles, a cluster zooms in, a point's popup opens the right
// record, a link to a record opens it, the filters (layer, country,
// attribution, perpetrator, tag) change what is drawn,
// and opened from disk (no range requests) the page says why, and draws
// the records by country. Screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { appendFile, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, ARTIFACTS, build, removeBuild, launch, newPage, fileURL, waitForMap, urlMatches } from './lib/harness.mjs';

const run = promisify(execFile);
const GEN = 3000; // synthetic records, and SCRIPTS below: N in all
// The page writes counts in its language (the site's is English): "3,000".
const num = (n) => n.toLocaleString('en');

// Synthetic records in other scripts: id, title, place, country, lon, lat.
const SCRIPTS = [
  ['x-fa', 'آزمون: بازداشت در کرمان', 'کرمان', 'IR', 57.089, 30.2856],
  ['x-tr', "Test: Kadıköy'de gözaltı", 'Kadıköy, İstanbul', 'TR', 29.03, 40.99],
  ['x-ru', 'Тест: задержание в Красногорске', 'Красногорск', 'RU', 37.39, 55.82],
  ['x-el', 'ΔΟΚΙΜΗ: ΣΥΛΛΗΨΕΙΣ', 'Αθήνα', 'GR', 23.73, 37.98],
  ['x-hi', 'परीक्षण: दिल्ली में गिरफ़्तारी', 'दिल्ली', 'IN', 77.21, 28.64],
];
const N = GEN + SCRIPTS.length;

let tmp, out, srv, browser, records;
before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'mapsite-vector-'));
  const site = path.join(tmp, 'site');
  await run('go', ['run', './scripts/bench/gen', '-n', String(GEN), '-o', site], { cwd: ROOT, timeout: 120_000 });
  // Above the threshold, the automatic setting chooses the tiles.
  const toml = path.join(site, 'site.toml');
  const text = await readFile(toml, 'utf8');
  if (!/^\[map\]/m.test(text)) await appendFile(toml, '\n[map]\n');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(toml, text.replace(/^\[map\]\n/m, '[map]\nvector_tiles_above = 2000\n'));
  // A few records in other scripts, for the search (synthetic, placed by coordinates).
  await writeFile(path.join(site, 'data', 'scripts.toml'), SCRIPTS.map(([id, title, place, cc, lon, lat]) =>
    `[[record]]\nid = "${id}"\nlayer = "arrest"\ndate = 2030-01-0${id.length % 9 + 1}\ntitle = "${title}"\nplace = "${place}"\n` +
    `country = "${cc}"\ncoordinates = [${lon}, ${lat}]\nsummary = "A synthetic record for the search test."\n[[record.source]]\ntitle = "Test source"\nurl = "https://news.example.org/${id}"\n`).join('\n'));
  out = await build(site);
  records = {};
  for (const f of JSON.parse(await readFile(path.join(out, 'layers', 'all.geojson'), 'utf8')).features) records[f.id] = f;
  srv = await serveRanges(out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.close();
  if (out) await removeBuild(out);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// serveRanges serves dir at /, answering Range requests with 206 as
// static hosts do (unless ranges is false).
async function serveRanges(dir, ranges = true) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
  const server = createServer(async (req, res) => {
    let file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      const type = types[path.extname(file)] || 'application/octet-stream';
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
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

async function markersDrawn(page) {
  await page.waitForFunction(() => performance.getEntriesByName('mapsite:markers-drawn').length > 0, null, { timeout: 15_000 });
}

// settled waits until no tile is loading and the map has drawn.
async function settled(page) {
  await page.waitForTimeout(150);
  await page.waitForFunction(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))));
  await page.waitForTimeout(150);
}

const total = (byLayer) => Object.values(byLayer).reduce((a, b) => a + b, 0);

test('the output holds one PMTiles archive and no record columns', async () => {
  const names = await readdir(path.join(out, 'assets', 'records'));
  const archives = names.filter((n) => n.endsWith('.pmtiles'));
  assert.equal(archives.length, 1);
  const head = (await readFile(path.join(out, 'assets', 'records', archives[0]))).subarray(0, 8);
  assert.equal(head.subarray(0, 7).toString(), 'PMTiles');
  assert.equal(head[7], 3);
  const data = (await readdir(path.join(out, 'assets'))).find((n) => /^data\.[0-9a-f]+\.js$/.test(n));
  const js = await readFile(path.join(out, 'assets', data), 'utf8');
  assert.match(js, /"vector":\{"archive":"records\/records\.[0-9a-f]{10}\.pmtiles"/);
  assert.doesNotMatch(js, /"xy":/, 'no record columns in data.js');
});

test('clusters from the tiles; a cluster zooms in; filters change what is drawn', { timeout: 90_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  await page.goto(srv.url);
  await waitForMap(page);
  await markersDrawn(page);
  await settled(page);
  assert.match(await page.textContent('#panel-status'), new RegExp(`All ${num(N)} records shown`));
  const drawn = await page.evaluate(() => window.mapsite.drawn());
  assert.ok(drawn.clusters > 0, 'clusters are drawn');
  const before = total(drawn.byLayer);
  assert.ok(before > N / 2 && before <= N, `the clusters count ${before} of ${N} records`);
  assert.ok(await page.evaluate(() => window.mapsiteTiles.loaded()) > 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-1280x800.png') });

  // Untick the first layer: its count goes to zero, the others stay.
  const first = await page.locator('input[name="layer"]').first().getAttribute('value');
  await page.locator(`input[name="layer"][value="${first}"]`).uncheck();
  await settled(page);
  const after1 = await page.evaluate(() => window.mapsite.drawn());
  assert.equal(after1.byLayer[first], 0, 'the unticked layer is not drawn');
  assert.ok(total(after1.byLayer) < before, 'fewer records are drawn');
  for (const [k, v] of Object.entries(drawn.byLayer)) if (k !== first) assert.equal(after1.byLayer[k], v, `layer ${k} keeps its count`);
  assert.match(await page.textContent('#panel-status'), new RegExp(` of ${num(N)} records shown`));
  await page.locator(`input[name="layer"][value="${first}"]`).check();
  await settled(page);

  // A country: only its records are drawn, as many as the panel counts.
  const option = await page.evaluate(() => {
    const o = [...document.querySelectorAll('#filters select[name="country"] option')].filter((x) => x.value)
      .map((x) => ({ value: x.value, n: +/\(([\d,]+)\)$/.exec(x.textContent)[1].replace(/,/g, '') })).sort((a, b) => b.n - a.n)[0];
    return o;
  });
  await page.selectOption('select[name="country"]', option.value);
  await settled(page);
  await page.evaluate(() => window.mapsite.map.setView([20, 10], 2, { animate: false }));
  await settled(page);
  const inCountry = await page.evaluate(() => window.mapsite.drawn());
  assert.equal(total(inCountry.byLayer), option.n, `the clusters count the ${option.n} records of ${option.value}`);
  assert.match(await page.textContent('#panel-status'), new RegExp(`${num(option.n)} of ${num(N)} records shown`));
  await page.selectOption('select[name="country"]', '');
  await settled(page);

  // An attribution: the panel offers each with the records the data hold
  // (read from all.geojson, not from the page), and the clusters and the
  // panel count those records only.
  const byAttribution = {};
  for (const f of Object.values(records)) {
    const a = f.properties.attribution;
    if (a) byAttribution[a] = (byAttribution[a] || 0) + 1;
  }
  const offered = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#filters select[name="attribution"] option')]
    .filter((x) => x.value).map((x) => [x.value, +/\(([\d,]+)\)$/.exec(x.textContent)[1].replace(/,/g, '')])));
  assert.deepEqual(offered, byAttribution, 'the attribution filter offers each value with its count');
  const [attr, attrN] = Object.entries(byAttribution).sort((a, b) => a[1] - b[1])[0];
  await page.selectOption('select[name="attribution"]', attr);
  await settled(page);
  assert.match(await page.textContent('#panel-status'), new RegExp(`${num(attrN)} of ${num(N)} records shown`));
  await urlMatches(page, new RegExp(`[#&]attribution=${attr}(&|$)`), 'the URL keeps the attribution');
  // With the country above too (all in view at this zoom, as above).
  const both = Object.values(records).filter((f) => f.properties.attribution === attr && f.properties.country === option.value).length;
  await page.selectOption('select[name="country"]', option.value);
  await settled(page);
  await page.evaluate(() => window.mapsite.map.setView([20, 10], 2, { animate: false }));
  await settled(page);
  const attributed = await page.evaluate(() => window.mapsite.drawn());
  assert.ok(both > 0 && both < option.n, `${both} of the country's ${option.n} records are attributed "${attr}"`);
  assert.equal(total(attributed.byLayer), both, `the clusters count the ${both} records of ${option.value} attributed "${attr}"`);
  await page.selectOption('select[name="country"]', '');
  await page.selectOption('select[name="attribution"]', '');
  await settled(page);

  // A cluster zooms in when clicked.
  const z0 = await page.evaluate(() => window.mapsite.map.getZoom());
  const cluster = await page.evaluate(() => {
    const box = document.getElementById('map').getBoundingClientRect();
    return window.mapsiteTiles.drawn().find((it) => it.cluster != null && it.x > 40 && it.y > 40 && it.x < box.width - 40 && it.y < box.height - 40);
  });
  assert.ok(cluster, 'a cluster inside the map');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + cluster.x, box.y + cluster.y);
  await page.waitForFunction((z) => window.mapsite.map.getZoom() > z, z0);
  assert.deepEqual(problems(), []);
});

test('the perpetrator, tag and links filters count, draw, list and search their records exactly', { timeout: 120_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  // Wide and tall enough for the whole world at its zoom: the clusters drawn
  // then count every record the filters keep.
  await page.setViewportSize({ width: 1900, height: 1500 });
  await page.goto(srv.url);
  await waitForMap(page);
  await markersDrawn(page);
  await settled(page);
  // Each value with the records that hold it, read from all.geojson.
  const byValue = (get) => {
    const out = {};
    for (const f of Object.values(records)) for (const v of new Set(get(f.properties))) out[v] = (out[v] || 0) + 1;
    return out;
  };
  const perpetrators = byValue((p) => (p.perpetrator ? [p.perpetrator] : []));
  const tags = byValue((p) => p.tags || []);
  const options = (name) => page.evaluate((name) => Object.fromEntries([...document.querySelectorAll(`#filters select[name="${name}"] option`)]
    .filter((x) => x.value).map((x) => [x.value, +/\(([\d,]+)\)$/.exec(x.textContent)[1].replace(/,/g, '')])), name);
  assert.ok(Object.keys(perpetrators).length > 1 && Object.keys(tags).length > 1);
  assert.deepEqual(await options('perpetrator'), perpetrators, 'the perpetrator filter offers each value with its count');
  // The links between records (from their own chunk): each of links.geojson.
  const links = JSON.parse(await readFile(path.join(out, 'layers', 'links.geojson'), 'utf8')).features;
  const linksKept = (keep) => links.filter((l) => keep(records[l.properties.from]) && keep(records[l.properties.to])).length;
  assert.ok(links.length > 2);
  await page.waitForFunction((n) => window.mapsite.links() === n, links.length, { timeout: 10_000 });
  assert.deepEqual(await options('tag'), tags, 'the tag filter offers each value with its count');
  const timelineBefore = await page.evaluate(() => window.mapsite.timeline());

  // A perpetrator: the panel, the clusters at the world's zoom and the
  // timeline count its records, to the day.
  const [perp] = Object.entries(perpetrators).sort((a, b) => a[1] - b[1])[0];
  const keep = (f) => f.properties.perpetrator === perp;
  await page.selectOption('select[name="perpetrator"]', perp);
  await page.waitForFunction(() => !/^Loading/.test(document.getElementById('panel-status').textContent));
  await settled(page);
  const n1 = Object.values(records).filter(keep).length;
  assert.match(await page.textContent('#panel-status'), new RegExp(`^${num(n1)} of ${num(N)} records shown`));
  await urlMatches(page, new RegExp(`[#&]perpetrator=${encodeURIComponent(perp).replace(/%20/g, '(%20|\\+)')}(&|$)`), 'the URL keeps the perpetrator');
  await page.evaluate(() => window.mapsite.map.setView([20, 10], 2, { animate: false }));
  await settled(page);
  assert.equal(total((await page.evaluate(() => window.mapsite.drawn())).byLayer), n1, `the clusters count the ${n1} records of ${perp}`);
  const bins = (await page.evaluate(() => window.mapsite.timeline())).bins;
  assert.deepEqual(bins.map((b) => b.total), bins.map((b) => Object.values(records).filter((f) => keep(f) &&
    f.properties.date_start <= b.end && (f.properties.date_end || f.properties.date_start) >= b.start).length), 'the timeline counts its records');
  assert.ok(bins.reduce((a, b) => a + b.total, 0) < timelineBefore.bins.reduce((a, b) => a + b.total, 0));
  assert.equal(await page.evaluate(() => window.mapsite.links()), linksKept(keep), 'the links between its records');

  // And a tag: the records that hold both, with a layer unticked and a
  // date window too.
  const [tag] = Object.entries(tags).sort((a, b) => b[1] - a[1])[0];
  const layer = await page.locator('input[name="layer"]').first().getAttribute('value');
  await page.selectOption('select[name="tag"]', tag);
  await page.locator(`input[name="layer"][value="${layer}"]`).uncheck();
  await page.fill('input[name="from"]', '2000-03-15');
  await page.locator('input[name="from"]').dispatchEvent('change');
  await page.waitForFunction(() => !/^Loading/.test(document.getElementById('panel-status').textContent));
  await settled(page);
  const keep2 = (f) => keep(f) && (f.properties.tags || []).includes(tag) && f.properties.layer !== layer &&
    (f.properties.date_end || f.properties.date_start) >= '2000-03-15';
  const n2 = Object.values(records).filter(keep2).length;
  assert.ok(n2 > 0 && n2 < n1, `${n2} of the ${n1} records of ${perp} are tagged "${tag}", not ${layer}, from 2000-03-15`);
  assert.match(await page.textContent('#panel-status'), new RegExp(`^${num(n2)} of ${num(N)} records shown`));
  assert.doesNotMatch(await page.textContent('#panel-status'), /take the dates to the/, 'the counts are exact');
  await page.evaluate(() => window.mapsite.map.setView([20, 10], 2, { animate: false }));
  await settled(page);
  assert.equal(total((await page.evaluate(() => window.mapsite.drawn())).byLayer), n2);
  assert.equal(await page.evaluate(() => window.mapsite.links()), linksKept(keep2));
  await page.locator('#links').uncheck();
  await settled(page);
  assert.equal(await page.evaluate(() => window.mapsite.links()), 0, 'no link with the box unticked');
  await page.locator('#links').check();
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-perpetrator-tag-1900x1500.png') });

  // A record on its own is a point, below the point zoom too, and its
  // popup opens whole (its details load first).
  const lone = (await page.evaluate(() => window.mapsiteTiles.drawn())).find((it) => it.id);
  assert.ok(lone, 'a point among the clusters');
  assert.ok(keep2(records[lone.id]), `the point ${lone.id} is a record the filters keep`);
  const mapBox = await page.locator('#map').boundingBox();
  await page.mouse.click(mapBox.x + lone.x, mapBox.y + lone.y);
  await page.waitForSelector('.leaflet-popup .popup-link');
  assert.equal(await page.textContent('.leaflet-popup .popup-title'), records[lone.id].properties.title);
  assert.equal(await page.getAttribute('.leaflet-popup .popup-link', 'href'), `incidents/${lone.id}/`);
  await page.keyboard.press('Escape');

  // From the point zoom, the records listed hold both.
  const rec = Object.values(records).filter(keep2).find((f) => f.properties.precision !== 'country' && f.properties.precision !== 'region');
  const [lon, lat] = rec.geometry.coordinates;
  await page.evaluate(([lat, lon]) => window.mapsite.map.setView([lat, lon], 12, { animate: false }), [lat, lon]);
  await page.waitForFunction((id) => window.mapsite.visible().includes(id), rec.id, { timeout: 15_000 });
  const visible = await page.evaluate(() => window.mapsite.visible());
  assert.deepEqual(visible.filter((id) => !keep2(records[id])), [], 'listed records the filters do not keep');

  // The search lists only what they keep.
  const q = 'in';
  await search(page, q);
  const found = await listed(page);
  assert.ok(found.length > 0);
  assert.deepEqual(found.filter((id) => !keep2(records[id])), [], 'records found that the filters do not keep');
  await page.fill('#q', '');

  // A link with the filters opens with them.
  const link = page.url();
  const { page: page2, context: context2 } = await newPage(browser, srv.url);
  t.after(() => context2.close());
  await page2.goto(link);
  await waitForMap(page2);
  await page2.waitForFunction((n) => document.getElementById('panel-status').textContent.startsWith(n + ' of'), num(n2), { timeout: 15_000 });
  assert.equal(await page2.inputValue('select[name="perpetrator"]'), perp);
  assert.equal(await page2.inputValue('select[name="tag"]'), tag);
  assert.deepEqual(problems(), []);
});

test('from the point zoom, points are listed and a click opens the record', { timeout: 90_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  // Around a record placed at a venue, at the map's last zoom. The
  // synthetic records crowd at the places of the list: where several
  // share a point, the cluster's list opens the record.
  const rec = Object.values(records).find((f) => f.properties.precision === 'venue');
  const [lon, lat] = rec.geometry.coordinates;
  await page.goto(`${srv.url}#z=14&lat=${lat}&lon=${lon}`);
  await waitForMap(page);
  await markersDrawn(page);
  await settled(page);
  const entries = await page.locator('#record-list .record-entry').count();
  assert.ok(entries > 0, 'the records in view are listed');
  const items = await page.evaluate(() => window.mapsiteTiles.drawn());
  const item = items.find((it) => it.id) || items.sort((a, b) => Math.hypot(a.x - 640, a.y - 400) - Math.hypot(b.x - 640, b.y - 400))[0];
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + item.x, box.y + item.y);
  if (!item.id) {
    await page.waitForSelector('.cluster-popup button');
    await page.locator('.cluster-popup button').first().click();
  }
  await page.waitForSelector('.leaflet-popup .popup-link');
  const id = decodeURIComponent(/[#&]id=([^&]+)/.exec(page.url())[1]);
  if (item.id) assert.equal(id, item.id);
  assert.equal(await page.textContent('.leaflet-popup .popup-title'), records[id].properties.title);
  assert.equal(await page.getAttribute('.leaflet-popup .popup-link', 'href'), `incidents/${id}/`);
  // The record opened is drawn where the click was (in a cluster: near).
  const [rlon, rlat] = records[id].geometry.coordinates;
  const at = await page.evaluate(([lat, lon]) => window.mapsite.map.latLngToContainerPoint([lat, lon]), [rlat, rlon]);
  const off = Math.hypot(at.x - item.x, at.y - item.y);
  assert.ok(off < (item.id ? 3 : 150), `record ${id} is drawn ${off} px from the click`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-popup-1280x800.png') });
  assert.deepEqual(problems(), []);
});

test('a link to a record opens it before its tile is loaded', { timeout: 60_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  const ids = Object.keys(records).sort();
  const id = ids[Math.floor(ids.length * 0.7)];
  await page.goto(`${srv.url}#id=${id}`);
  await waitForMap(page);
  await page.waitForSelector('.leaflet-popup .popup-link');
  assert.equal(await page.textContent('.leaflet-popup .popup-title'), records[id].properties.title);
  const c = await page.evaluate(() => window.mapsite.map.getCenter());
  const [lon, lat] = records[id].geometry.coordinates;
  assert.ok(Math.abs(c.lat - lat) < 1 && Math.abs(c.lng - lon) < 1, 'the map moved to the record');
  assert.deepEqual(problems(), []);
});

test('on a phone', { timeout: 60_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url, { viewport: { width: 375, height: 812 }, isMobile: true });
  t.after(() => context.close());
  await page.goto(srv.url);
  await waitForMap(page);
  await markersDrawn(page);
  await settled(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-375x812.png') });
  assert.ok((await page.evaluate(() => window.mapsite.drawn())).clusters > 0);
  assert.deepEqual(problems(), []);
});

// countryBadges reads the badges drawn (items: their ids, "cc:IR" for a
// country's, and places on the map's box), those of a country inside the
// map with room around them, and the records counted per layer.
async function countryBadges(page) {
  return page.evaluate(() => {
    const box = document.getElementById('map').getBoundingClientRect();
    const items = window.mapsiteTiles.drawn().filter((it) => it.cluster != null);
    // Badges may overlap a little: one to click has none within 60 px.
    const alone = (it) => items.every((o) => o === it || Math.hypot(o.x - it.x, o.y - it.y) > 60);
    return { items, inside: items.filter((it) => /^cc:/.test(it.cluster) && alone(it) && it.x > 40 && it.y > 40 && it.x < box.width - 40 && it.y < box.height - 40),
      byLayer: window.mapsite.drawn().byLayer };
  });
}

test('opened from disk, the map draws the records by country, and a country badge chooses it', { timeout: 60_000 }, async (t) => {
  const base = fileURL(out);
  const { page, context, problems } = await newPage(browser, base);
  t.after(() => context.close());
  await page.goto(base + 'index.html');
  await waitForMap(page);
  await page.waitForSelector('.tiles-note');
  assert.match(await page.textContent('.tiles-note'), /by country: .*served over http/);
  assert.match(await page.textContent('#list-note'), /vector tiles.*by country/);
  assert.match(await page.textContent('#panel-status'), new RegExp(`All ${num(N)} records shown`));
  await settled(page);
  const all = await countryBadges(page);
  assert.ok(total(all.byLayer) > 0.9 * N && total(all.byLayer) <= N, `the first view counts most records: ${total(all.byLayer)} of ${N}`);
  assert.ok(all.inside.length > 0, 'a country badge inside the map');
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-file-1280x800.png') });

  // A layer unticked: the badges count what the panel counts.
  const first = await page.locator('input[name="layer"]').first().getAttribute('value');
  await page.locator(`input[name="layer"][value="${first}"]`).uncheck();
  await settled(page);
  const fewer = await countryBadges(page);
  assert.equal(fewer.byLayer[first], 0, 'the unticked layer is not counted');
  assert.ok(total(fewer.byLayer) < total(all.byLayer), 'fewer records are counted');
  await page.locator(`input[name="layer"][value="${first}"]`).check();
  await settled(page);

  // A country's badge sets the country filter, and the map goes there.
  const badge = (await countryBadges(page)).inside[0];
  const cc = badge.cluster.slice(3);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + badge.x, box.y + badge.y);
  await page.waitForFunction((v) => document.querySelector('#filters select[name="country"]').value === v, cc);
  await settled(page);
  const option = await page.textContent(`#filters select[name="country"] option[value="${cc}"]`);
  const n = +/\(([\d,]+)\)$/.exec(option)[1].replace(/,/g, '');
  assert.match(await page.textContent('#panel-status'), new RegExp(`${num(n)} of ${num(N)} records shown`));
  const one = await countryBadges(page);
  assert.equal(total(one.byLayer), n, `the badge counts the ${n} records of ${cc}`);
  assert.ok(one.items.every((it) => it.cluster === badge.cluster), 'only that country is drawn');
  assert.match(await page.evaluate(() => location.hash), new RegExp(`country=${cc}`));

  // A perpetrator too: its facet chunk loads from disk, and the badge
  // counts the country's records of that perpetrator.
  const perp = Object.values(records).find((f) => f.properties.country === cc && f.properties.perpetrator).properties.perpetrator;
  const both = Object.values(records).filter((f) => f.properties.country === cc && f.properties.perpetrator === perp).length;
  await page.selectOption('select[name="perpetrator"]', perp);
  await page.waitForFunction((n) => document.getElementById('panel-status').textContent.startsWith(n + ' of'), num(both));
  await settled(page);
  assert.equal(total((await countryBadges(page)).byLayer), both, `the badge counts the ${both} records of ${cc} by ${perp}`);
  assert.deepEqual(problems(), []);
});

test('from a host without byte ranges, the page says so, and draws the records by country', { timeout: 60_000 }, async (t) => {
  const plain = await serveRanges(out, false);
  t.after(() => plain.close());
  const { page, context, problems } = await newPage(browser, plain.url);
  t.after(() => context.close());
  await page.goto(plain.url);
  await waitForMap(page);
  await page.waitForSelector('.tiles-note');
  assert.match(await page.textContent('.tiles-note'), /byte-range/);
  // On a map that shows the whole world, each record is counted once, in
  // its country's badge (badges that would overlap are merged, their
  // counts added), and the panel counts them all in view.
  await page.setViewportSize({ width: 2600, height: 2000 });
  await page.evaluate(() => { window.mapsite.map.setView([0, 0], 2, { animate: false }); });
  await settled(page);
  assert.equal(total((await countryBadges(page)).byLayer), N, 'the badges count every record');
  assert.equal(await page.textContent('#visible-count'), num(N));
  // The page cuts off the archive it would otherwise download whole.
  assert.deepEqual(problems().filter((p) => !/\.pmtiles net::ERR_ABORTED$/.test(p)), []);
});

// words folds text as map-search.js and build/search.go do, to find the
// records a query should find.
const words = (s) => [...new Set(String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').toLowerCase()
  .replace(/ς/g, 'σ').split(/[^\p{L}\p{N}\p{M}]+/u).filter((w) => [...w].length >= 2))];
const recordWords = (p) => words([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(' '), p.perpetrator].join(' '));
// expected returns the records a query finds: each of its words begins
// a word of theirs.
function expected(q) {
  const qw = words(q);
  return Object.values(records).filter((f) => {
    const rw = recordWords(f.properties);
    return qw.every((w) => rw.some((x) => x.startsWith(w)));
  });
}
// searched waits until the list of what a search found is whole for q.
async function searched(page, q) {
  await page.waitForFunction((q) => {
    const el = document.getElementById('search-results');
    return !el.hidden && el.dataset.q === q && !el.hasAttribute('aria-busy');
  }, q, { timeout: 15_000 });
}
async function search(page, q) {
  await page.fill('#q', q);
  await searched(page, q);
}
const listed = (page) => page.$$eval('#search-results .record-entry', (bs) => bs.map((b) => b.dataset.id));

test('search: the page folds words as the build does, and finds what each word begins', { timeout: 90_000 }, async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  await page.goto(srv.url);
  await waitForMap(page);
  await markersDrawn(page);
  // Every word of the index is its own fold and lies in its shard; every
  // record's words, folded by the page, are in the index.
  const data = (await readdir(path.join(out, 'assets'))).find((n) => /^data\.[0-9a-f]+\.js$/.test(n));
  const S = JSON.parse(/"search":(\{.*?\})\};\n$/.exec(await readFile(path.join(out, 'assets', data), 'utf8'))[1]);
  assert.ok(S.shards.length >= 1 && S.cards.length === Math.ceil(N / S.card_size));
  const indexWords = new Set();
  for (const [i, file] of S.shards.entries()) {
    const js = await readFile(path.join(out, 'assets', file), 'utf8');
    const items = JSON.parse(js.slice(js.indexOf(']=[') + 2, -2));
    const bad = await page.evaluate(([items, i, n]) => {
      const out = [];
      for (let j = 0; j < items.length; j += 2) {
        const w = items[j], f = window.mapsiteParts.search.words(w);
        if (f.length !== 1 || f[0] !== w || window.mapsiteParts.search.shardOf(w, n) !== i) out.push(w);
      }
      return out;
    }, [items, i, S.shards.length]);
    assert.deepEqual(bad, [], `shard ${i}: words the page folds or places otherwise`);
    for (let j = 0; j < items.length; j += 2) indexWords.add(items[j]);
  }
  const texts = Object.values(records).map((f) => [f.properties.title, f.properties.place, f.properties.country_name].join(' '));
  const pageWords = await page.evaluate((texts) => texts.flatMap((s) => window.mapsiteParts.search.words(s)), texts);
  assert.deepEqual(pageWords.filter((w) => !indexWords.has(w)), [], 'words the page makes of the records that the index lacks');
  assert.ok([...indexWords].some((w) => /[^\x00-\x7f]/.test(w)), 'the index holds words beyond ASCII');

  // Each script: a query typed as a reader would finds its record.
  for (const [q, id] of [['کرمان', 'x-fa'], ['kadikoy ISTANBUL', 'x-tr'], ['красногорск', 'x-ru'], ['συλληψεις', 'x-el'], ['Συλλήψεις', 'x-el'], ['दिल्ली', 'x-hi']]) {
    await search(page, q);
    assert.equal((await listed(page))[0], id, `the query ${q} lists ${id} first (it is the newest)`);
    assert.ok(expected(q).some((f) => f.id === id));
  }

  // A query: the records found are counted, the newest listed; a word of
  // one letter is left out, a word with diacritics finds its plain form.
  const rec = Object.values(records).find((f) => /[^\x00-\x7f]/.test(f.properties.place || ''));
  const q = `${rec.properties.place.toUpperCase()} ${words(rec.properties.title)[0].slice(0, 3)} x`;
  const want = expected(q);
  assert.ok(want.some((f) => f.id === rec.id));
  await search(page, q);
  assert.equal(await page.textContent('#visible-count'), num(want.length));
  const ids = await listed(page);
  assert.equal(ids.length, Math.min(50, want.length));
  const wanted = new Set(want.map((f) => f.id));
  assert.deepEqual(ids.filter((id) => !wanted.has(id)), [], 'listed records the query does not find');
  const newest = want.map((f) => f.properties.date_start).sort().at(-1);
  assert.equal(records[ids[0]].properties.date_start, newest, 'the newest is listed first');
  assert.ok(await page.isHidden('#record-list'));
  await urlMatches(page, /[#&]q=/, 'the query is in the link');
  await page.screenshot({ path: path.join(ARTIFACTS, 'vector-tiles-search-1280x800.png') });

  // The other filters: an unticked layer is not listed.
  const layer = records[ids[0]].properties.layer;
  await page.locator(`input[name="layer"][value="${layer}"]`).uncheck();
  await searched(page, q);
  const kept = await listed(page);
  assert.deepEqual(kept.filter((id) => records[id].properties.layer === layer), [], 'the unticked layer is listed');
  assert.deepEqual(kept, ids.filter((id) => records[id].properties.layer !== layer).slice(0, kept.length));
  await page.locator(`input[name="layer"][value="${layer}"]`).check();

  // Nothing found says so; clearing the field gives the list back.
  await search(page, 'zqxjvw');
  assert.equal(await page.textContent('#visible-count'), '0');
  assert.match(await page.textContent('#list-note'), /No record has these words/);
  await page.fill('#q', '');
  await page.waitForFunction(() => document.getElementById('search-results').hidden && !document.getElementById('record-list').hidden);
  assert.deepEqual(problems(), []);
});

test('search: a record found opens with the keyboard, from disk too', { timeout: 90_000 }, async (t) => {
  for (const base of [srv.url, fileURL(out)]) {
    const { page, context, problems } = await newPage(browser, base);
    t.after(() => context.close());
    await page.goto(base.startsWith('file:') ? base + 'index.html' : base);
    await waitForMap(page);
    const rec = Object.values(records).find((f) => f.properties.precision === 'city');
    await search(page, rec.properties.title);
    const ids = await listed(page);
    assert.ok(ids.includes(rec.id) || ids.length === 50, `${rec.id} is listed, or 50 newer records are`);
    const id = ids[0];
    await page.locator(`#search-results .record-entry[data-id="${id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.leaflet-popup .popup-link');
    assert.equal(await page.textContent('.leaflet-popup .popup-title'), records[id].properties.title);
    await urlMatches(page, new RegExp(`[#&]id=${id}(&|$)`));
    assert.deepEqual(problems().filter((p) => !/pmtiles/.test(p)), []);
  }
});
