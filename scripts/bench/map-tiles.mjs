// map-tiles.mjs times the map of a built site whose records come as
// vector tiles ([map] vector_tiles) in headless Chromium, served by a
// static server that answers byte ranges, and prints the medians as JSON
// (map.mjs does the same for a site with one data script):
//
//   drawn   ms from navigation start to performance.mark('mapsite:markers-drawn')
//   popup   ms from setting the #id= deep link to the whole popup in the
//           page (the id chunk and the record's detail chunk load first)
//   filter  ms from unticking a layer to the next frame after the filter ran
//   zoomin  ms from a click on the cluster drawn farthest from the record
//           at zoom 4 (the map zooms to where it splits) to the records of
//           the new tiles drawn
//   bytes   bytes the page fetched, until the filter (all responses)
//   search  ms per query (BENCH_QUERIES, split at |) from the filter step
//           after the field's pause to the newest found listed (map-search.js)
//
// Usage: node scripts/bench/map-tiles.mjs OUT_DIR RECORD_ID [RUNS]
import { createServer } from 'node:http';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { launch, newPage } from '../../tests/lib/harness.mjs';

const [out, id, runsArg] = process.argv.slice(2);
if (!out || !id) {
  console.error('usage: node scripts/bench/map-tiles.mjs OUT_DIR RECORD_ID [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 3);
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

// serve answers byte ranges from the file (it is not read whole: the
// archive of a large site is large).
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  let file = path.join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const size = (await stat(file)).size;
    const type = types[path.extname(file)] || 'application/octet-stream';
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
    const start = m ? +m[1] : 0, end = m ? Math.min(m[2] ? +m[2] : size - 1, size - 1) : size - 1;
    const buf = Buffer.alloc(end - start + 1);
    const fh = await open(file);
    await fh.read(buf, 0, buf.length, start);
    await fh.close();
    res.writeHead(m ? 206 : 200, { 'Content-Type': type, 'Content-Length': buf.length, 'Accept-Ranges': 'bytes',
      ...(m ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}) });
    res.end(buf);
  } catch {
    res.writeHead(404).end('not found');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const times = { drawn: [], popup: [], filter: [], zoomin: [], bytes: [], search: {} };
// Searches timed, each a query of words (BENCH_QUERIES, separated by |).
const queries = (process.env.BENCH_QUERIES || 'bombing|market kad|network emirates stadium').split('|');
try {
  for (let i = 0; i < runs; i++) {
    const { page, context } = await newPage(browser, url);
    page.setDefaultTimeout(120_000);
    let bytes = 0;
    page.on('response', async (r) => { try { bytes += (await r.body()).length; } catch { /* a redirect or an aborted load */ } });
    await page.goto(url);
    times.drawn.push(await page.evaluate(() => new Promise((resolve) => {
      const find = () => {
        const m = performance.getEntriesByName('mapsite:markers-drawn')[0];
        if (m) resolve(m.startTime); else setTimeout(find, 10);
      };
      find();
    })));
    times.filter.push(await page.evaluate(() => new Promise((resolve) => {
      const box = document.querySelector('input[name="layer"]');
      const t0 = performance.now();
      box.click();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    })));
    await page.evaluate(() => document.querySelector('input[name="layer"]').click());
    times.bytes.push(bytes);
    times.popup.push(await page.evaluate((id) => new Promise((resolve) => {
      const t0 = performance.now();
      location.hash = '#id=' + encodeURIComponent(id);
      const poll = () => {
        if (document.querySelector('.leaflet-popup .popup-link')) resolve(performance.now() - t0);
        else if (performance.now() - t0 > 30_000) resolve(null);
        else requestAnimationFrame(poll);
      };
      poll();
    }), id));
    // Zooming in where no tile of the point zoom is loaded yet: the
    // cluster drawn farthest from the record at zoom 4.
    await page.evaluate(() => new Promise((resolve) => {
      const m = window.mapsite.map, before = window.mapsiteTiles.loaded();
      m.closePopup();
      m.setView(m.getCenter(), 4, { animate: false });
      const t0 = performance.now();
      const poll = () => {
        const clusters = window.mapsiteTiles.drawn().some((it) => it.cluster != null);
        if ((window.mapsiteTiles.loaded() > before && clusters) || performance.now() - t0 > 5_000) setTimeout(resolve, 300);
        else requestAnimationFrame(poll);
      };
      poll();
    }));
    // A reader's click on the cluster drawn farthest from the record, of
    // those the pointer reaches (not under the panel or a control): the
    // map zooms to where it splits (at once, with reduced motion), where
    // no tile is loaded yet.
    const far = await page.evaluate(() => {
      const m = window.mapsite.map, mid = m.getSize().divideBy(2), box = m.getContainer().getBoundingClientRect();
      const it = window.mapsiteTiles.drawn().filter((it) => it.cluster != null)
        .filter((it) => {
          const el = document.elementFromPoint(box.left + it.x, box.top + it.y);
          return el && m.getContainer().contains(el) && !el.closest('.leaflet-control-container');
        })
        .sort((a, b) => Math.hypot(b.x - mid.x, b.y - mid.y) - Math.hypot(a.x - mid.x, a.y - mid.y))[0];
      if (!it) return null;
      window.benchZoomIn = { before: window.mapsiteTiles.loaded(), zoom: m.getZoom(), t0: 0 };
      addEventListener('click', () => { window.benchZoomIn.t0 = performance.now(); }, { capture: true, once: true });
      return { x: box.left + it.x, y: box.top + it.y };
    });
    if (far) await page.mouse.click(far.x, far.y);
    times.zoomin.push(far && await page.evaluate(() => new Promise((resolve) => {
      const z = window.benchZoomIn, m = window.mapsite.map;
      const poll = () => {
        if (z.t0 && m.getZoom() > z.zoom && window.mapsiteTiles.loaded() > z.before && window.mapsiteTiles.drawn().length) resolve(performance.now() - z.t0);
        else if (performance.now() - (z.t0 || performance.now()) > 30_000) resolve(null);
        else requestAnimationFrame(poll);
      };
      poll();
    })));
    // A search (map-search.js): from the filter step the field's pause
    // starts to the newest found listed, cards loaded.
    for (const q of queries) {
      times.search[q] = times.search[q] || [];
      times.search[q].push(await page.evaluate((q) => new Promise((resolve) => {
        performance.clearMarks('mapsite:search-listed');
        const input = document.getElementById('q');
        input.value = q;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const t0 = performance.now();
        const poll = () => {
          const listed = performance.getEntriesByName('mapsite:search-listed')[0];
          const filter = performance.getEntriesByName('mapsite:filter').filter((m) => m.startTime >= t0).at(-1);
          if (listed && filter) resolve(listed.startTime - filter.startTime);
          else if (performance.now() - t0 > 30_000) resolve(null);
          else setTimeout(poll, 5);
        };
        poll();
      }), q));
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ drawn: median(times.drawn), popup: median(times.popup), filter: median(times.filter),
  zoomin: median(times.zoomin), bytes: median(times.bytes),
  search: Object.fromEntries(Object.entries(times.search).map(([q, xs]) => [q, median(xs)])), runs: times }));
