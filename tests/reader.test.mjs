// Browser tests of what a reader of the map needs beyond finding a record
// (issue 9): the timeline, records across a whole country, contrast,
// history, layouts without overlaps, the favicon, the 404 page and
// axe-core's accessibility rules. They run on the seed site, whose data
// hold the cases: a season-dated record, a Russia-wide record beside the
// Crocus City Hall attack, six Turkey-wide records.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as h from './lib/harness.mjs';

const AXE = path.join(h.ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
// num writes a count as the page does, in its language (the sites' is English).
const num = (n) => n.toLocaleString('en');

// contrast is the WCAG contrast ratio of two colours "#rrggbb" or "rgb(r, g, b)".
function contrast(a, b) {
  const lum = (c) => {
    const m = c.startsWith('#') ? c.slice(1).match(/../g).map((x) => parseInt(x, 16)) : c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
    const [r, g, bl] = m.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

// km is the great-circle distance between two [lat, lon] points.
function km([lat1, lon1], [lat2, lon2]) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

describe('the map for readers (seed)', { timeout: 300_000 }, () => {
  let env, out, srv, browser, features;

  before(async () => {
    env = await h.start(h.ROOT);
    ({ out, srv, browser } = env);
    features = await h.allFeatures(out);
  });
  after(async () => { await env?.stop(); });

  async function open(t, url, options = {}) {
    const p = await h.newPage(browser, options.base || srv.url, options);
    t.after(async () => {
      // A missing page is expected to answer 404 (and Chromium logs it).
      const expected = options.missing ? (x) => x.includes(url) || /status of 404/.test(x) : () => false;
      assert.deepEqual(p.problems().filter((x) => !expected(x)), [], `problems on ${url}`);
      await p.context.close();
    });
    await p.page.goto(url);
    return p.page;
  }
  async function openMap(t, hash = '', options = {}) {
    const page = await open(t, (options.base || srv.url) + hash, options);
    await h.waitForMap(page);
    return page;
  }
  const shown = (page) => page.locator('#panel-status').textContent();
  // settled waits until the URL has stopped changing: a popup that pans
  // the map into view writes the view once the pan ends.
  const settled = async (page) => {
    let last = null;
    for (let i = 0; i < 40; i++) {
      const h = await page.evaluate(() => location.hash);
      if (h === last) return h;
      last = h;
      await page.waitForTimeout(300);
    }
    return last;
  };
  const popupTitle = async (page) => {
    await page.waitForFunction(() => document.querySelectorAll('.record-popup').length === 1);
    return (await page.locator('.record-popup .popup-title').textContent()).trim();
  };

  test('the timeline brush by keyboard changes the count and the URL, and the URL restores it', async (t) => {
    const page = await openMap(t);
    const total = features.length;
    assert.equal(await page.evaluate(() => performance.getEntriesByName('mapsite:markers-drawn').length), 1, 'the first markers are marked once');
    assert.match(await shown(page), new RegExp(`All ${num(total)} records shown`));
    assert.equal(await page.locator('#panel-status').getAttribute('aria-live'), 'polite');
    const from = page.locator('.timeline-handle-from');
    assert.equal(await from.getAttribute('role'), 'slider');
    assert.match(await from.getAttribute('aria-valuetext'), /^\d{1,2} [A-Z][a-z]+ \d{4}$/);
    await from.focus();
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('ArrowRight');
    // The URL is written once the step's frame is painted: it follows the
    // last key once it names the date the brush shows.
    await page.waitForFunction(() => (location.hash.match(/[#&]from=(\d{4}-\d\d-\d\d)/) || [])[1] === document.getElementById('from').value);
    const fromDate = new URL(page.url()).hash.match(/from=(\d{4}-\d\d-\d\d)/)[1];
    assert.equal(await page.locator('#from').inputValue(), fromDate, 'the typed date follows the brush');
    const want = features.filter((f) => f.properties.date_end >= fromDate).length;
    assert.ok(want < total, 'the window leaves records out');
    assert.match(await shown(page), new RegExp(`^${num(want)} of ${num(total)} records shown`));
    assert.equal((await page.evaluate(() => window.mapsite.visible())).length, want);
    const valuetext = await from.getAttribute('aria-valuetext');
    // The end handle, by keyboard too.
    await page.locator('.timeline-handle-to').focus();
    await page.keyboard.press('PageDown');
    await page.waitForFunction(() => (location.hash.match(/[#&]to=(\d{4}-\d\d-\d\d)/) || [])[1] === document.getElementById('to').value);
    const toDate = new URL(page.url()).hash.match(/to=(\d{4}-\d\d-\d\d)/)[1];
    const inWindow = features.filter((f) => f.properties.date_end >= fromDate && f.properties.date_start <= toDate).length;
    assert.match(await shown(page), new RegExp(`^${num(inWindow)} of ${num(total)} records shown`));
    await page.screenshot({ path: path.join(h.ARTIFACTS, 'seed-timeline-1280x800.png') });

    // Reloading the URL restores the window.
    await page.reload();
    await h.waitForMap(page);
    assert.equal(await page.locator('.timeline-handle-from').getAttribute('aria-valuetext'), valuetext);
    assert.equal(await page.locator('#from').inputValue(), fromDate);
    assert.equal(await page.locator('#to').inputValue(), toDate);
    assert.match(await shown(page), new RegExp(`^${num(inWindow)} of ${num(total)} records shown`));

    // Step moves the window on; All dates clears it.
    await page.locator('#timeline-step').click();
    await page.waitForFunction((f) => !location.hash.includes(`from=${f}`), fromDate);
    await page.locator('#timeline-all').click();
    await page.waitForFunction(() => !/[#&](from|to)=/.test(location.hash));
    assert.match(await shown(page), new RegExp(`All ${num(total)} records shown`));
  });

  test('a season-dated record counts in every period its span touches', async (t) => {
    const season = features.find((f) => f.properties.date_precision === 'season');
    assert.ok(season, 'the seed has a season-dated record');
    const page = await openMap(t, `#q=${encodeURIComponent(season.properties.title)}`);
    assert.deepEqual(await page.evaluate(() => window.mapsite.visible()), [season.id]);
    const tl = await page.evaluate(() => window.mapsite.timeline());
    const { date_start: s, date_end: e } = season.properties;
    const touched = tl.bins.filter((b) => b.end >= s && b.start <= e);
    assert.ok(touched.length >= 1);
    if (tl.unit !== 'year') assert.ok(touched.length > 1, `a season spans more than one ${tl.unit}`);
    for (const b of tl.bins) {
      assert.equal(b.total, touched.includes(b) ? 1 : 0, `${tl.unit} ${b.start}..${b.end}`);
    }
  });

  test('the Russia-wide record is drawn as Russia, far from Moscow, never in a cluster with Crocus', async (t) => {
    const russia = features.find((f) => f.properties.country === 'RU' && f.properties.precision === 'country');
    const crocus = features.find((f) => /crocus/i.test(f.id));
    assert.ok(russia && crocus);
    const moscow = [55.7558, 37.6173];
    const page = await openMap(t);
    for (const z of [2, 3, 4, 5, 6, 8, 10]) {
      const r = await page.evaluate(([z, c, a, b]) => {
        const m = window.mapsite.map;
        m.setView(c, z, { animate: false });
        const at = window.mapsite.markerOf(a);
        if (!at) m.setView([62, 95], z, { animate: false }); // the badge may be out of this view
        return { at: window.mapsite.markerOf(a) || at, cluster: window.mapsite.clusterOf(b), area: window.mapsite.isArea(a) };
      }, [z, [crocus.geometry.coordinates[1], crocus.geometry.coordinates[0]], russia.id, crocus.id]);
      assert.ok(r.area, 'drawn as an area');
      if (r.at) assert.ok(km(r.at, moscow) > 50, `zoom ${z}: badge ${km(r.at, moscow).toFixed(0)} km from Moscow`);
      assert.ok(!r.cluster || !r.cluster.includes(russia.id), `zoom ${z}: Crocus's cluster holds the Russia-wide record`);
    }
    // Turkey-wide records: one badge, one group in the list and its popup.
    const turkey = features.filter((f) => f.properties.country === 'TR' && f.properties.precision === 'country');
    await page.evaluate(() => window.mapsite.map.setView([39, 35], 5, { animate: false }));
    const group = page.locator('.area-group-title', { hasText: /^Across Turkey: / });
    assert.equal((await group.textContent()).trim(), `Across Turkey: ${turkey.length} records`);
    const badge = page.locator('.area-badge', { hasText: String(turkey.length) }).first();
    await badge.click();
    const popup = page.locator('.cluster-popup .popup-title');
    assert.equal((await popup.textContent()).trim(), `Across Turkey: ${turkey.length} records`);
    assert.equal(await page.locator('.cluster-popup .cluster-list button').count(), turkey.length);
    await page.screenshot({ path: path.join(h.ARTIFACTS, 'seed-country-badges-1280x800.png') });
    await page.locator('.cluster-popup .cluster-list button').first().click();
    const title = await popupTitle(page);
    assert.ok(turkey.some((f) => f.properties.title === title), `${title} is a Turkey-wide record`);
    assert.match(await page.locator('.record-popup .popup-precision').textContent(), /whole of Turkey/);
  });

  test('every layer symbol, cluster and legend symbol reaches 3:1 on land and sea', async (t) => {
    const page = await openMap(t);
    const c = await page.evaluate(() => {
      const sea = getComputedStyle(window.mapsite.map.getContainer()).backgroundColor;
      return { sea, land: window.mapsite.landColor(), symbols: window.mapsite.symbolColors(),
        legend: [...document.querySelectorAll('.legend .symbol g')].map((g) => ({ fill: g.getAttribute('fill'), stroke: getComputedStyle(g).stroke, width: g.getAttribute('stroke-width') })),
        panel: getComputedStyle(document.querySelector('.panel')).backgroundColor };
    });
    assert.ok(c.land && c.sea);
    for (const s of c.symbols) {
      // A symbol is seen against the map by its outer edge.
      for (const [where, bg] of [['land', c.land], ['sea', c.sea]]) {
        const ratio = contrast(s.edge, bg);
        assert.ok(ratio >= 3, `${s.layer} (${s.kind}) edge ${s.edge} on ${where} ${bg}: ${ratio.toFixed(2)}:1`);
      }
    }
    assert.ok(c.legend.length >= 5);
    for (const l of c.legend) {
      const ratio = Math.max(contrast(l.fill, c.panel), contrast(l.stroke, c.panel));
      assert.ok(ratio >= 3 && Number(l.width) >= 1, `legend symbol ${l.fill}/${l.stroke}: ${ratio.toFixed(2)}:1`);
    }
    // Small UI text and borders.
    const ui = await page.evaluate(() => {
      const q = (s) => document.querySelector(s);
      const zero = document.createElement('span');
      zero.className = 'count zero';
      q('.legend').appendChild(zero);
      const r = { zero: getComputedStyle(zero).color, border: getComputedStyle(q('#q')).borderTopColor, bg: getComputedStyle(q('.panel')).backgroundColor };
      zero.remove();
      return r;
    });
    assert.ok(contrast(ui.zero, ui.bg) >= 4.5, `zero counts ${ui.zero}: ${contrast(ui.zero, ui.bg).toFixed(2)}:1`);
    assert.ok(contrast(ui.border, ui.bg) >= 3, `input borders ${ui.border}: ${contrast(ui.border, ui.bg).toFixed(2)}:1`);
  });

  test('Back and Forward walk the records opened, in order', async (t) => {
    const page = await openMap(t);
    const ids = [features[0], features[Math.floor(features.length / 2)], features[features.length - 1]].map((f) => f.id);
    for (const id of ids) {
      await page.evaluate((id) => window.mapsite.open(id), id);
      await page.waitForFunction((id) => location.hash.includes(`id=${id}`), id);
      await settled(page);
    }
    const title = (id) => features.find((f) => f.id === id).properties.title;
    const popupIs = (id) => page.waitForFunction((t) => document.querySelector('.record-popup .popup-title')?.textContent === t, title(id));
    await page.goBack();
    await popupIs(ids[1]);
    await page.goBack();
    await popupIs(ids[0]);
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('.record-popup') && !/[#&]id=/.test(location.hash));
    await page.goForward();
    await popupIs(ids[0]);
    await page.goForward();
    await popupIs(ids[1]);
    await page.goForward();
    await popupIs(ids[2]);
  });

  // clickMarker shows f's place at the map's largest zoom and clicks its
  // marker (first starting a slow pan of the map when slowPan is set), and
  // picks f from the list when records share the point, as a reader does.
  async function clickMarker(page, f, slowPan = false) {
    const pt = await page.evaluate(([id, lat, lon, slow]) => {
      const m = window.mapsite.map;
      m.setView([lat, lon], m.getMaxZoom(), { animate: false });
      if (slow) m.panBy([0, 2], { duration: 5 });
      const p = m.latLngToContainerPoint(window.mapsite.markerOf(id));
      const r = m.getContainer().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y + (slow ? 1 : 0) };
    }, [f.id, f.geometry.coordinates[1], f.geometry.coordinates[0], slowPan]);
    await page.mouse.click(pt.x, pt.y);
    const exact = new RegExp(`^${f.properties.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`);
    const entry = page.locator('.cluster-popup .cluster-list button').filter({ hasText: exact });
    await Promise.race([entry.first().waitFor(), page.locator('.record-popup .popup-title').waitFor()]);
    if (await entry.count()) await entry.first().click();
    assert.equal(await popupTitle(page), f.properties.title);
  }

  test('Back after clicking three markers on the map shows the records clicked before', async (t) => {
    const page = await openMap(t);
    const venues = features.filter((f) => f.properties.precision === 'venue');
    const clicked = [venues[0], venues[3], venues[6]];
    for (const f of clicked) {
      await clickMarker(page, f);
      await settled(page);
    }
    for (const f of [clicked[1], clicked[0]]) {
      await page.goBack();
      await page.waitForFunction((t) => document.querySelector('.record-popup .popup-title')?.textContent === t, f.properties.title);
    }
  });

  test('Back returns to the record before, also when the next opens while the map is still moving', async (t) => {
    const page = await openMap(t);
    const venues = features.filter((f) => f.properties.precision === 'venue');
    const [a, b] = [venues[0], venues[venues.length - 1]];
    await page.evaluate((id) => window.mapsite.open(id), a.id);
    await settled(page);
    // A slow pan is still on its way when b's marker is clicked (as when
    // a's details arrive and its popup pans the map): b's popup stops it.
    await clickMarker(page, b, true);
    await settled(page);
    await page.goBack();
    await page.waitForFunction((t) => document.querySelector('.record-popup .popup-title')?.textContent === t, a.properties.title);
  });

  test('Back from a record page restores the view and focuses the list entry', async (t) => {
    const page = await openMap(t);
    const entry = page.locator('#record-list .record-entry').nth(2);
    const id = await entry.getAttribute('data-id');
    await entry.click();
    await popupTitle(page);
    const view = await settled(page);
    await page.locator('.record-popup .popup-link').click();
    await page.waitForURL(`**/incidents/${id}/`);
    await page.goBack();
    await h.waitForMap(page);
    await page.waitForFunction((id) => document.activeElement?.dataset?.id === id, id);
    assert.equal(await settled(page), view);
  });

  test('hovering or focusing a list entry highlights its marker', async (t) => {
    const page = await openMap(t);
    const entry = page.locator('#record-list .record-entry').first();
    await entry.hover();
    assert.ok(await page.evaluate(() => window.mapsite.highlighted()), 'a ring is drawn');
    await page.mouse.move(5, 5);
    await page.locator('#q').focus();
    assert.equal(await page.evaluate(() => window.mapsite.highlighted()), null);
    await entry.focus();
    assert.equal(await page.evaluate(() => window.mapsite.highlighted()), await entry.getAttribute('data-id'));
  });

  test('downloads of the selection are made in the browser', async (t) => {
    const page = await openMap(t);
    const cc = 'TR';
    await page.locator('#country').selectOption(cc);
    const n = features.filter((f) => f.properties.country === cc).length;
    for (const [id, check] of [['#download-geojson', (text) => {
      const fc = JSON.parse(text);
      assert.equal(fc.type, 'FeatureCollection');
      assert.equal(fc.features.length, n);
    }], ['#download-csv', (text) => {
      const rows = text.trim().split(/\r\n/);
      assert.match(rows[0], /^id,title,layer,/);
      assert.equal(rows.length, n + 1);
    }]]) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
      check(await readFile(await dl.path(), 'utf8'));
      assert.match(dl.suggestedFilename(), new RegExp(`^records-${n}\\.`));
    }
  });

  for (const vp of [{ width: 812, height: 375 }, { width: 640, height: 400 }]) {
    test(`no overlaps at ${vp.width}x${vp.height}: the popup's close button and link show`, async (t) => {
      const page = await openMap(t, '', { viewport: vp });
      const some = [features[0], features[5], features[features.length - 1], features.find((f) => /crocus/i.test(f.id))].filter(Boolean);
      for (const f of some) {
        for (const z of [4, 12]) {
          await page.evaluate(([id, z, lat, lon]) => {
            window.mapsite.map.setView([lat, lon], z, { animate: false });
            window.mapsite.open(id);
          }, [f.id, z, f.geometry.coordinates[1], f.geometry.coordinates[0]]);
          await popupTitle(page);
          await settled(page); // the popup pans the map into view
          for (const sel of ['.leaflet-popup-close-button', '.record-popup .popup-link']) {
            const hit = await page.evaluate((sel) => {
              const e = document.querySelector(sel);
              // A popup taller than the map scrolls inside itself.
              const box = e.closest('.leaflet-popup-content');
              if (box && box.scrollHeight > box.clientHeight) box.scrollTop = e.offsetTop;
              const r = e.getBoundingClientRect();
              const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return { ok: !!top && (top === e || e.contains(top)), over: top ? top.className || top.tagName : `nothing at ${Math.round(r.left)},${Math.round(r.top)}` };
            }, sel);
            assert.ok(hit.ok, `${f.id} at zoom ${z}: ${sel} is under ${hit.over}`);
          }
        }
      }
      await page.screenshot({ path: path.join(h.ARTIFACTS, `seed-map-popup-${vp.width}x${vp.height}.png`) });
    });
  }

  test('under a sub-path nothing is asked of the host root, not even /favicon.ico', async (t) => {
    const sub = await h.serve(out, '/sub/path/');
    t.after(() => sub.close());
    const p = await h.newPage(browser, sub.url);
    const asked = [];
    p.page.on('request', (r) => asked.push(r.url()));
    for (const u of ['', 'incidents/', `incidents/${features[0].id}/`, 'about/']) {
      await p.page.goto(sub.url + u);
      await p.page.waitForLoadState('load');
    }
    await h.waitForMap(await (async () => { await p.page.goto(sub.url); return p.page; })());
    assert.deepEqual(asked.filter((u) => !u.startsWith(sub.url) && !u.startsWith('data:')), []);
    assert.deepEqual(asked.filter((u) => /favicon/.test(u)), []);
    assert.match(await p.page.locator('link[rel="icon"]').getAttribute('href'), /^data:image\/svg\+xml/);
    assert.deepEqual(p.problems(), []);
    await p.context.close();
  });

  test('404.html at a deep missing path is styled and its links work', async (t) => {
    // Without base_url (the seed) the links start at the host's root.
    const deep = await open(t, `${srv.url}no/such/deep/path/`, { missing: true });
    const styled = (page) => page.evaluate(() => ({
      font: getComputedStyle(document.body).fontFamily, border: getComputedStyle(document.querySelector('.site-header')).borderBottomStyle }));
    assert.equal((await deep.locator('h1').textContent()).trim(), 'Page not found');
    assert.deepEqual(await styled(deep), { font: (await styled(deep)).font, border: 'solid' });
    assert.doesNotMatch((await styled(deep)).font, /^"?Times/);
    await deep.locator('a', { hasText: 'browse all records' }).click();
    await deep.waitForURL(`${srv.url}incidents/`);

    // With a base URL, under its path, on any host.
    const built = await h.build(h.ROOT, ['--base-url', 'https://example.org/sub/path/']);
    t.after(() => h.removeBuild(built));
    const sub = await h.serve(built, '/sub/path/');
    t.after(() => sub.close());
    const page = await open(t, `${sub.url}a/b/c/missing`, { base: sub.url, missing: true });
    assert.equal((await styled(page)).border, 'solid');
    await page.locator('a', { hasText: 'Go to the map' }).click();
    await page.waitForURL(sub.url);
    await h.waitForMap(page);
    // The map loads a small site's summaries when it is idle (a callback
    // that may come after the network has been quiet for a while): let
    // that finish before the build it is served from is removed.
    await page.waitForFunction(() => window.mapsite.textsLoaded());
  });

  for (const vp of [DESKTOP, PHONE]) {
    test(`axe-core finds no violation at ${vp.width}x${vp.height}: map with timeline and popup, record, table`, async (t) => {
      const axe = await readFile(AXE, 'utf8');
      const opts = { viewport: vp, isMobile: vp.width < 700 };
      const check = async (page, what) => {
        await page.evaluate(axe); // evaluated by the debugger protocol, outside the page's CSP
        const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
          .map((x) => `${x.id}: ${x.help} (${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`));
        assert.deepEqual(v, [], what);
      };
      const f = features.find((x) => x.properties.precision === 'venue') || features[0];
      const page = await openMap(t, `#id=${f.id}`, opts);
      await popupTitle(page);
      if (vp.width < 700) await page.locator('#panel-toggle').click();
      assert.ok(await page.locator('#timeline .timeline-handle').count() === 2);
      await check(page, 'map');
      if (vp.width < 700) await page.screenshot({ path: path.join(h.ARTIFACTS, `seed-phone-sheet-${vp.width}x${vp.height}.png`) });
      await page.goto(`${srv.url}incidents/${f.id}/`);
      await check(page, 'record page');
      await page.goto(`${srv.url}incidents/`);
      await check(page, 'table');
    });
  }

  test('phone: opening the sheet keeps an open popup whole, its close button in sight', async (t) => {
    const page = await openMap(t, '#id=paris-2015-11-13-bataclan', { viewport: PHONE, isMobile: true });
    await popupTitle(page);
    await page.locator('#panel-toggle').click();
    await page.waitForFunction(() => {
      const e = document.querySelector('.leaflet-popup-close-button');
      if (!e) return false;
      const r = e.getBoundingClientRect(), m = document.querySelector('#map').getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.top >= m.top && r.bottom <= m.bottom && top && (top === e || e.contains(top));
    }, null, { timeout: 5_000 });
  });

  test('phone: title, tagline, timeline and legend one tap away', async (t) => {
    const page = await openMap(t, '', { viewport: PHONE, isMobile: true });
    assert.ok(await page.locator('.tagline').isVisible(), 'tagline shows');
    assert.ok(await page.locator('.site-title').isVisible());
    assert.ok(await page.locator('#timeline-chart').isVisible());
    await page.screenshot({ path: path.join(h.ARTIFACTS, 'seed-phone-375x812.png') });
    await page.locator('#panel-toggle').click();
    assert.ok(await page.locator('.legend .layer').first().isVisible(), 'legend after one tap');
    // The map above the open sheet still shows the records: a filter is seen working.
    const box = await page.locator('#map').boundingBox();
    assert.ok(box.height >= 150, `map ${box.height}px tall with the sheet open`);
    const before = await page.evaluate(() => window.mapsite.drawn());
    assert.ok(before.points + before.clusters + before.areas > 0, 'markers in the map above the sheet');
    await page.locator('input[name="layer"]').first().uncheck();
    await page.screenshot({ path: path.join(h.ARTIFACTS, 'seed-phone-filter-375x812.png') });
  });
});
