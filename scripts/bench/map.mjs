// map.mjs times a built site's map in headless Chromium, from Performance
// API marks, and prints the medians as JSON:
//
//   drawn   ms from navigation start to performance.mark('mapsite:markers-drawn')
//           (map.js's older 'mapsite-ready' mark when the page has no such mark)
//   painted ms from navigation start to the end of the first frame after that
//           mark (a message posted from the next animation frame), when the
//           markers are on screen
//   popup   ms from setting the #id= deep link to the popup in the page (its
//           link to the record page, the last thing it shows)
//   popupFull  the same, to the popup with the record's details loaded into
//           it (the popup's data-details is "loaded"; a popup without that
//           attribute, as before it opened at once, had them when it showed)
//   filter  ms from unticking a layer to the next frame after the filter ran
//   search  ms from typing a word in the search box (the page waits 150 ms
//           for more typing) to the status line counting what it found,
//           the summaries included: the first search loads them
//   searchFocused  the same on a fresh page, typed one second after the
//           search box took the focus, as a reader types (a site with over
//           four chunks of summaries starts loading them at the focus)
//
// Usage: node scripts/bench/map.mjs OUT_DIR RECORD_ID [RUNS]
//
// Pages open as the browser tests open them (tests/lib/harness.mjs), every
// request passing through Node to be checked. With BENCH_PLAIN=1 they open
// in a plain browser context instead: the requests go straight to the
// server, as from a static host, where the checked ones wait their turn
// in Node (a popup's detail chunk waited 200 ms behind the base map's
// cell scripts at 1,000 records on a loaded machine).
import { serve, launch, newPage } from '../../tests/lib/harness.mjs';

const [out, id, runsArg] = process.argv.slice(2);
if (!out || !id) {
  console.error('usage: node scripts/bench/map.mjs OUT_DIR RECORD_ID [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 3);

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

// plainPage opens a page with the harness's viewport and reduced motion,
// and no request interception.
async function plainPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  return { page: await context.newPage(), context };
}

const srv = await serve(out, '/');
const browser = await launch();
const times = { drawn: [], painted: [], popup: [], popupFull: [], filter: [], search: [], searchFocused: [] };
try {
  for (let i = 0; i < runs; i++) {
    const { page, context } = process.env.BENCH_PLAIN === '1' ? await plainPage(browser) : await newPage(browser, srv.url);
    page.setDefaultTimeout(60_000);
    await page.addInitScript(() => {
      const mark = performance.mark.bind(performance);
      performance.mark = (name, ...rest) => {
        if (name === 'mapsite:markers-drawn' && window.benchPainted === undefined) {
          window.benchPainted = null;
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => { window.benchPainted = performance.now(); };
            ch.port2.postMessage(0);
          });
        }
        return mark(name, ...rest);
      };
    });
    await page.goto(srv.url);
    times.drawn.push(await page.evaluate(() => new Promise((resolve) => {
      const find = () => {
        const m = performance.getEntriesByName('mapsite:markers-drawn')[0] || performance.getEntriesByName('mapsite-ready')[0];
        if (m) resolve(m.startTime); else setTimeout(find, 10);
      };
      find();
    })));
    times.painted.push(await page.evaluate(() => new Promise((resolve) => {
      const find = () => {
        if (window.benchPainted) resolve(window.benchPainted); else setTimeout(find, 10);
      };
      find();
    })));
    const popup = await page.evaluate((id) => new Promise((resolve) => {
      const t0 = performance.now();
      let shown = null;
      location.hash = '#id=' + encodeURIComponent(id);
      const poll = () => {
        const link = document.querySelector('.leaflet-popup .popup-link');
        if (link && shown === null) shown = performance.now() - t0;
        const box = link && link.closest('.popup');
        const details = box && box.getAttribute('data-details');
        if (box && (details === null || details === 'loaded')) resolve([shown, performance.now() - t0]);
        else if (details === 'failed') resolve([shown, null]);
        else if (performance.now() - t0 > 10_000) resolve([shown, null]);
        else requestAnimationFrame(poll);
      };
      poll();
    }), id);
    times.popup.push(popup[0]);
    times.popupFull.push(popup[1]);
    times.filter.push(await page.evaluate(() => new Promise((resolve) => {
      const box = document.querySelector('input[name="layer"]');
      if (!box) { resolve(null); return; }
      const t0 = performance.now();
      box.click();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    })));
    times.search.push(await timeSearch(page));
    await context.close();
    // A fresh page, searched one second after the search box took the focus.
    const fresh = process.env.BENCH_PLAIN === '1' ? await plainPage(browser) : await newPage(browser, srv.url);
    fresh.page.setDefaultTimeout(60_000);
    await fresh.page.goto(srv.url);
    await fresh.page.waitForSelector('#map[data-ready="true"]');
    await fresh.page.evaluate(() => document.getElementById('q').focus());
    await fresh.page.waitForTimeout(1000);
    times.searchFocused.push(await timeSearch(fresh.page));
    await fresh.context.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
// timeSearch types a word into the search box and returns the ms until the
// status line counts what it found (null after 30 s).
function timeSearch(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const q = document.getElementById('q'), status = document.getElementById('panel-status');
    const before = status.textContent;
    const t0 = performance.now();
    q.value = 'payments';
    q.dispatchEvent(new Event('input', { bubbles: true }));
    const poll = () => {
      const s = status.textContent;
      if (s !== before && / of /.test(s) && !/Loading/.test(s)) resolve(performance.now() - t0);
      else if (performance.now() - t0 > 30_000) resolve(null);
      else requestAnimationFrame(poll);
    };
    poll();
  }));
}

console.log(JSON.stringify({ drawn: median(times.drawn), painted: median(times.painted), popup: median(times.popup), popupFull: median(times.popupFull),
  filter: median(times.filter), search: median(times.search), searchFocused: median(times.searchFocused), runs: times }));
