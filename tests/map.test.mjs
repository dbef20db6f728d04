// Browser end-to-end tests of the map site: a reader's click-through, the
// markers per layer, filters, the URL hash, the keyboard, sub-paths and
// file://, on the fixture site and on the seed site. Every page visited
// must send no request outside the site and log no error.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as h from './lib/harness.mjs';

for (const site of h.sites()) {
  describe(`map site (${site.name})`, { timeout: 240_000 }, () => {
    let env, out, srv, browser, features, perLayer;
    const opened = [];

    before(async () => {
      env = await h.start(site.dir);
      ({ out, srv, browser } = env);
      features = await h.allFeatures(out);
      perLayer = await h.layerCounts(out);
    });
    after(async () => { await env?.stop(); });

    // open opens a page of the site and checks, when the test is done,
    // that nothing went wrong on it.
    async function open(t, url, options = {}) {
      const p = await h.newPage(browser, options.base || srv.url, options);
      opened.push(p);
      t.after(async () => {
        assert.deepEqual(p.problems(), [], `problems on ${url}`);
        await p.context.close();
      });
      await p.page.goto(url);
      return p.page;
    }

    async function openMap(t, hash = '', options = {}) {
      const page = await open(t, (options.base || srv.url) + (options.file || '') + hash, options);
      await h.waitForMap(page);
      return page;
    }

    // scriptsLoaded waits for the scripts the map asks for on demand (the
    // records' details, the base map's cells of the view) to be in: each
    // takes its element out of the page once loaded. A test that follows a
    // link does so after them, as a reader would: a script cut off by the
    // navigation counts as a failed request.
    async function scriptsLoaded(page) {
      await page.waitForTimeout(50); // the cells of a new view are asked for in the task after its move
      await page.waitForFunction(() => !document.querySelector('script[src*="/records/"], script[src*="/basemap/"]'));
    }

    async function worldView(page) {
      await page.evaluate(() => { window.mapsite.map.setView([30, 20], 2, { animate: false }); });
    }

    function titleOf(id) {
      return features.find((f) => f.id === id).properties.title;
    }

    async function popupTitle(page) {
      // A closed popup fades out for 200 ms before it leaves the DOM.
      await page.waitForFunction(() => document.querySelectorAll('.record-popup').length === 1, null, { timeout: 5_000 });
      return (await page.locator('.record-popup .popup-title').textContent({ timeout: 5_000 })).trim();
    }

    // listCount counts the list's entries once it is listed: a filter
    // step lists the records after its markers are drawn, and the list
    // is busy until then.
    async function listCount(page) {
      await page.waitForSelector('#record-list:not([aria-busy])', { state: 'attached' });
      return page.locator('#record-list .record-entry').count();
    }

    // clickMarker zooms to a record and clicks its marker on the canvas;
    // when it shares its point with others, it picks it from the list
    // the cluster opens.
    async function clickMarker(page, f) {
      const [lon, lat] = f.geometry.coordinates;
      const pt = await page.evaluate(([id, lat, lon]) => {
        const m = window.mapsite.map;
        // A record across a whole country is drawn at its area's badge.
        m.setView([30, 20], 2, { animate: false });
        const at = window.mapsite.markerOf(id);
        m.setView(window.mapsite.isArea(id) ? at : [lat, lon], m.getMaxZoom(), { animate: false });
        const p = m.latLngToContainerPoint(window.mapsite.markerOf(id));
        const r = m.getContainer().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      }, [f.id, lat, lon]);
      await page.mouse.click(pt.x, pt.y);
      const cluster = page.locator('.cluster-popup .cluster-list button').filter({ hasText: f.properties.title });
      const single = page.locator('.record-popup .popup-title');
      await Promise.race([cluster.first().waitFor(), single.waitFor()]);
      if (await cluster.count()) await cluster.first().click();
    }

    test('markers, legend and list hold every record of every layer', async (t) => {
      const t0 = Date.now();
      const page = await openMap(t);
      t.diagnostic(`map ready with ${features.length} records in ${Date.now() - t0} ms`);
      await worldView(page);
      const drawn = await page.evaluate(() => window.mapsite.drawn());
      assert.deepEqual(drawn.byLayer, perLayer, 'markers drawn (points and cluster members) per layer');
      for (const [key, n] of Object.entries(perLayer)) {
        assert.equal(await page.locator(`[data-layer-count="${key}"]`).textContent(), String(n), `legend count of ${key}`);
      }
      assert.equal(await listCount(page), Math.min(features.length, 300));
      // Newest first.
      const first = await page.locator('#record-list .record-entry').first().getAttribute('data-id');
      const newest = features.reduce((a, f) => (f.properties.date_start >= a.properties.date_start ? f : a));
      assert.equal(features.find((f) => f.id === first).properties.date_start, newest.properties.date_start);
    });

    test('a reader clicks a marker of each layer and follows it to the record page', async (t) => {
      const page = await openMap(t);
      const layers = [...new Set(features.map((f) => f.properties.layer))];
      for (const layer of layers) {
        const f = features.find((x) => x.properties.layer === layer);
        await page.goto(srv.url + '#');
        await h.waitForMap(page);
        await clickMarker(page, f);
        assert.equal(await popupTitle(page), f.properties.title, `popup of ${f.id} (${layer})`);
        await h.urlMatches(page, new RegExp(`#id=${f.id}(&|$)`));
        await scriptsLoaded(page);
        await page.locator('.record-popup .popup-link').click();
        await page.waitForURL(`**/incidents/${f.id}/`);
        assert.equal((await page.locator('h1').textContent()).trim(), f.properties.title);
      }
    });

    test('record pages: previous, next and back to the map with the record open', async (t) => {
      const i = Math.min(1, features.length - 1);
      const f = features[i];
      const page = await open(t, `${srv.url}incidents/${f.id}/`);
      assert.equal((await page.locator('h1').textContent()).trim(), f.properties.title);
      if (i + 1 < features.length) {
        await page.locator('a[rel="next"]').click();
        await page.waitForURL(`**/incidents/${features[i + 1].id}/`);
        assert.equal((await page.locator('h1').textContent()).trim(), features[i + 1].properties.title);
        await page.locator('a[rel="prev"]').click();
        await page.waitForURL(`**/incidents/${f.id}/`);
      }
      if (i > 0) {
        await page.locator('a[rel="prev"]').click();
        await page.waitForURL(`**/incidents/${features[i - 1].id}/`);
        await page.locator('a[rel="next"]').click();
        await page.waitForURL(`**/incidents/${f.id}/`);
      }
      await page.waitForSelector('.locator-map svg');
      for (const a of await page.locator('.sources a').all()) {
        assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
        assert.match(await a.getAttribute('href'), /^https?:\/\//);
      }
      await page.locator('a', { hasText: 'Show on the map' }).click();
      await h.waitForMap(page);
      assert.equal(await popupTitle(page), f.properties.title);
      const centre = await page.evaluate(() => window.mapsite.map.getCenter());
      assert.ok(Math.abs(centre.lat - f.geometry.coordinates[1]) < 0.01 && Math.abs(centre.lng - f.geometry.coordinates[0]) < 0.01, 'map centred on the record');
    });

    test('deep link #id= opens the popup, and Back walks the records opened', async (t) => {
      const [a, b] = [features[0], features[features.length - 1]];
      const page = await openMap(t, `#id=${a.id}`);
      assert.equal(await popupTitle(page), a.properties.title);
      await page.evaluate((id) => window.mapsite.open(id), b.id);
      assert.equal(await popupTitle(page), b.properties.title);
      await h.urlMatches(page, new RegExp(`#id=${b.id}(&|$)`));
      await page.goBack();
      await page.waitForFunction((t) => document.querySelector('.record-popup .popup-title')?.textContent === t, a.properties.title);
      await page.goForward();
      await page.waitForFunction((t) => document.querySelector('.record-popup .popup-title')?.textContent === t, b.properties.title);
      // Closing the popup takes the id out of the URL.
      await page.locator('.leaflet-popup-close-button').click();
      await page.waitForFunction(() => !/[#&]id=/.test(location.hash));
    });

    test('filters and search change the list, the markers and the counts', async (t) => {
      const page = await openMap(t);
      await worldView(page);
      const total = features.length;
      // A layer off.
      const [layer, n] = Object.entries(perLayer).find(([, n]) => n > 0);
      await page.locator(`input[name="layer"][value="${layer}"]`).uncheck();
      await page.waitForFunction(([n]) => window.mapsite.visible().length === n, [total - n]);
      assert.equal((await page.evaluate(() => window.mapsite.drawn())).byLayer[layer], 0);
      assert.equal(await listCount(page), Math.min(total - n, 300));
      await h.urlMatches(page, /[#&]layers=/);
      assert.equal(await page.locator(`[data-layer-count="${layer}"]`).textContent(), String(n), 'an unchecked layer still says how many it holds');
      await page.locator(`input[name="layer"][value="${layer}"]`).check();
      await page.waitForFunction(([n]) => window.mapsite.visible().length === n, [total]);

      // Country.
      const cc = features[0].properties.country;
      const inCountry = features.filter((f) => f.properties.country === cc);
      await page.locator('#country').selectOption(cc);
      await page.waitForFunction((n) => window.mapsite.visible().length === n, inCountry.length);
      for (const [key, count] of Object.entries(perLayer)) {
        const want = inCountry.filter((f) => f.properties.layer === key).length;
        assert.equal(await page.locator(`[data-layer-count="${key}"]`).textContent(), String(want), `count of ${key} in ${cc} (of ${count})`);
      }
      await h.urlMatches(page, new RegExp(`[#&]country=${cc}(&|$)`));
      const shared = page.url();

      // Search, within the country.
      const target = inCountry[inCountry.length - 1];
      const word = target.properties.title.split(/\s+/).filter((w) => /^[A-Za-z]{5,}$/.test(w)).pop() || target.properties.title.split(/\s+/)[0];
      await page.locator('#q').fill(word.toLowerCase());
      await page.waitForFunction(() => /[#&]q=/.test(location.hash));
      assert.ok(await page.evaluate((id) => window.mapsite.visible().includes(id), target.id), `${target.id} found by "${word}"`);
      const ids = await page.evaluate(() => window.mapsite.visible());
      assert.ok(ids.length >= 1 && ids.length <= inCountry.length);
      const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').toLowerCase();
      for (const id of ids) {
        const p = features.find((f) => f.id === id).properties;
        const text = fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(' '), p.summary, p.perpetrator].join(' '));
        assert.ok(text.includes(fold(word)), `${id} matches ${word}`);
      }
      assert.equal(await listCount(page), ids.length);

      // Dates: the first record's span only.
      await page.locator('#reset').click();
      await page.waitForFunction((n) => window.mapsite.visible().length === n, total);
      const d = features[0].properties;
      await page.locator('#from').fill(d.date_start);
      await page.locator('#to').fill(d.date_start);
      const inSpan = features.filter((f) => f.properties.date_end >= d.date_start && f.properties.date_start <= d.date_start);
      await page.waitForFunction((n) => window.mapsite.visible().length === n, inSpan.length);

      // The shared URL restores the filters in a new page.
      const again = await openMap(t, shared.slice(shared.indexOf('#')));
      assert.equal(await again.locator('#country').inputValue(), cc);
      assert.equal(await again.evaluate(() => window.mapsite.visible().length), inCountry.length);
    });

    test('a filter step draws the markers first and lists them in the task after their frame', async (t) => {
      const page = await openMap(t);
      await worldView(page);
      const [layer] = Object.entries(perLayer).find(([, n]) => n > 0);
      const r = await page.evaluate((layer) => new Promise((resolve) => {
        const list = document.getElementById('record-list');
        const listed = () => [...list.querySelectorAll('.record-entry')].filter((b) => b.dataset.id && document.querySelector(`input[name="layer"][value="${layer}"]`) && window.mapsite.visible().indexOf(b.dataset.id) < 0).length;
        const before = listed();
        document.querySelector(`input[name="layer"][value="${layer}"]`).click();
        const now = { drawn: window.mapsite.drawn().byLayer[layer], busy: list.getAttribute('aria-busy'), stale: listed() };
        requestAnimationFrame(() => setTimeout(() => resolve({ before, now, later: { busy: list.getAttribute('aria-busy'), stale: listed() } }), 0));
      }), layer);
      assert.equal(r.before, 0, 'every entry listed is shown before');
      assert.equal(r.now.drawn, 0, 'the markers of the layer are gone at once');
      assert.equal(r.now.busy, 'true', 'the list is busy until listed again');
      assert.ok(r.now.stale > 0, 'the entries of the layer are still listed in the markers\' frame');
      assert.deepEqual(r.later, { busy: null, stale: 0 }, 'listed in the task after the frame');
      // The keyboard and the URL follow as before.
      await h.urlMatches(page, /[#&]layers=/);
      assert.ok(await listCount(page) > 0);
    });

    test('the base map\'s cells wait while a filter step draws its markers and list', async (t) => {
      const page = await openMap(t);
      const r = await page.evaluate(() => new Promise((resolve) => {
        const P = window.mapsiteParts, seen = [];
        const paint = (f) => requestAnimationFrame(() => setTimeout(f, 0));
        P.whenFree(() => seen.push('before'));
        document.querySelector('input[name="layer"]').click();
        P.whenFree(() => seen.push('held'));
        const now = seen.slice();
        // The markers' frame, the list's task, the list's frame, and the task after it.
        paint(() => {
          const first = seen.slice();
          paint(() => setTimeout(() => resolve({ now, first, last: seen.slice() }), 0));
        });
      }));
      assert.deepEqual(r.now, ['before'], 'work comes at once outside a filter step, and waits in one');
      assert.deepEqual(r.first, ['before'], 'still waiting when the list is made');
      assert.deepEqual(r.last, ['before', 'held'], 'done once the list is painted');
    });

    test('a checkbox or a select runs the filters once', async (t) => {
      const page = await openMap(t);
      await worldView(page);
      // Every run of the filters rewrites the status line ("N of M
      // records shown"), even with the same words: count the writes.
      await page.evaluate(() => {
        window.listRedraws = 0;
        new MutationObserver((ms) => { window.listRedraws += ms.length; })
          .observe(document.getElementById('panel-status'), { childList: true });
      });
      const redraws = async (act) => {
        await page.evaluate(() => { window.listRedraws = 0; });
        await act();
        await page.waitForTimeout(300);
        return page.evaluate(() => window.listRedraws);
      };
      assert.equal(await redraws(() => page.locator('input[name="layer"]').first().click()), 1, 'layer checkbox');
      assert.equal(await redraws(() => page.locator('#links').click()), 1, 'links checkbox');
      assert.equal(await redraws(() => page.locator('#country').selectOption(features[0].properties.country)), 1, 'country select');
    });

    test('search finds words of the summaries, which load on demand', async (t) => {
      const page = await openMap(t);
      const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').toLowerCase();
      const textOf = (p) => fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(' '), p.summary, p.perpetrator].join(' '));
      const head = (p) => fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(' '), p.perpetrator].join(' '));
      // A word of a summary that no title, place, tag or perpetrator holds.
      let word = null;
      for (const f of features) {
        word = fold(f.properties.summary).split(/[^a-z]+/).find((w) => w.length >= 6 && features.every((g) => !head(g.properties).includes(w)));
        if (word) break;
      }
      assert.ok(word, 'a word found only in summaries');
      const want = features.filter((f) => textOf(f.properties).includes(word)).map((f) => f.id).sort();
      assert.ok(want.length >= 1);
      await page.locator('#q').fill(word);
      await page.waitForFunction((n) => window.mapsite.visible().length === n, want.length);
      assert.deepEqual((await page.evaluate(() => window.mapsite.visible())).sort(), want);
      // The same search from a shared link.
      const again = await openMap(t, `#q=${encodeURIComponent(word)}`);
      await again.waitForFunction((n) => window.mapsite.visible().length === n, want.length);
      assert.deepEqual((await again.evaluate(() => window.mapsite.visible())).sort(), want);
    });

    test('a popup shows what the record\'s details hold, loaded when it opens', async (t) => {
      const page = await openMap(t);
      for (const f of [features.find((x) => x.properties.killed_text) || features[0], features[features.length - 1]]) {
        const p = f.properties;
        await page.evaluate((id) => window.mapsite.open(id), f.id);
        assert.equal(await popupTitle(page), p.title);
        const popup = page.locator('.record-popup');
        await popup.locator('.popup[data-details="loaded"]').waitFor();
        assert.equal(await popup.locator('.popup-link').getAttribute('href'), p.url);
        assert.equal(await popup.locator('time').getAttribute('datetime'), p.date_start);
        if (p.killed_text) assert.match(await popup.locator('.popup-counts').textContent(), new RegExp(`${p.killed_text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} killed`));
        if (p.perpetrator) assert.ok((await popup.textContent()).includes(`Perpetrator: ${p.perpetrator}`));
      }
    });

    test('a popup opens whole from data.js, without loading a detail chunk', async (t) => {
      const page = await open(t, srv.url);
      // The detail chunks are held back: a popup that waited for one would
      // stay "loading".
      const asked = [];
      await page.route(/\/records\/d\d+\.[0-9a-f]+\.js$/, (route) => { asked.push(route.request().url()); });
      await h.waitForMap(page);
      const counted = features.find((x) => x.properties.killed_text && x.properties.injured_text) || features.find((x) => x.properties.killed_text);
      const given = features.find((x) => x.properties.coordinates_given);
      for (const f of [counted, given, features.find((x) => !x.properties.killed_text && !x.properties.coordinates_given)].filter(Boolean)) {
        const p = f.properties;
        await page.evaluate((id) => { location.hash = '#id=' + encodeURIComponent(id); }, f.id);
        assert.equal(await popupTitle(page), p.title);
        const box = page.locator('.record-popup .popup');
        assert.equal(await box.getAttribute('data-details'), 'loaded');
        assert.equal(await box.locator('.popup-link').getAttribute('href'), p.url);
        assert.equal(await box.locator('time').getAttribute('datetime'), p.date_start);
        const want = ['killed', 'injured', 'casualties', 'detained', 'arrested', 'deported']
          .filter((k) => p[k + '_text'] != null).map((k) => `${p[k + '_text']} ${k}`).join(' · ');
        assert.equal((await box.locator('.popup-counts').textContent()).trim(), want);
        assert.equal(await box.locator('.popup-counts').isVisible(), want !== '');
        if (p.coordinates_given) assert.match(await box.locator('.popup-precision').textContent(), /coordinates given/);
        else assert.doesNotMatch(await box.locator('.popup-precision').textContent(), /coordinates given/);
      }
      assert.deepEqual(asked, [], 'detail chunks asked for');
    });

    test('the timeline counts the records of the layers shown, as a layer goes off and on', async (t) => {
      const page = await openMap(t);
      const byId = Object.fromEntries(features.map((f) => [f.id, f.properties]));
      const check = async (what) => {
        const [tl, ids] = await page.evaluate(() => [window.mapsite.timeline(), window.mapsite.visible()]);
        for (const b of tl.bins) {
          const want = ids.filter((id) => byId[id].date_end >= b.start && byId[id].date_start <= b.end).length;
          assert.equal(b.total, want, `${what}: ${tl.unit} ${b.start}..${b.end}`);
        }
      };
      await check('every layer');
      const [layer, n] = Object.entries(perLayer).find(([, n]) => n > 0);
      await page.locator(`input[name="layer"][value="${layer}"]`).uncheck();
      await page.waitForFunction((n) => window.mapsite.visible().length === n, features.length - n);
      await check(`${layer} off`);
      await page.locator(`input[name="layer"][value="${layer}"]`).check();
      await page.waitForFunction((n) => window.mapsite.visible().length === n, features.length);
      await check(`${layer} on again`);
    });

    test('points at one spot clustered as one input give supercluster\'s own clusters', async (t) => {
      const page = await openMap(t);
      const diffs = await page.evaluate(() => {
        const D = window.mapsiteParts.draw;
        // Points crowding at a few spots, some alone, some at the antimeridian.
        let seed = 7;
        const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        const spots = [];
        for (let i = 0; i < 150; i++) spots.push([rnd() * 360 - 180, rnd() * 150 - 75]);
        spots.push([180, 10], [-180, 10], [179.9999, -5]);
        const points = [];
        for (let i = 0; i < 4000; i++) {
          const s = i % 7 === 0 ? [rnd() * 40 - 10, rnd() * 40 + 20] : spots[Math.floor(rnd() * rnd() * spots.length)];
          points.push(D.pointOf(i, Math.floor(rnd() * 5), s[0], s[1]));
        }
        const describe = (index, c) => {
          const p = c.properties, out = { x: c.geometry.coordinates[0], y: c.geometry.coordinates[1], n: p.point_count || 1, layers: {} };
          for (const k of Object.keys(p).sort()) if (/^c\d+$/.test(k)) out.layers[k] = p[k];
          if (p.cluster) {
            out.leaves = index.getLeaves(p.cluster_id, Infinity).map((f) => f.properties.i).sort((a, b) => a - b).join(',');
            out.expand = index.getClusterExpansionZoom(p.cluster_id);
          } else {
            out.leaves = String(p.i);
          }
          return out;
        };
        const order = (a, b) => a.x - b.x || a.y - b.y || a.n - b.n || (a.leaves < b.leaves ? -1 : 1);
        const diffs = [];
        // All the points, then a subset (as a filter step makes), the
        // points keeping the spots they were given.
        for (const some of [points, points.filter((p) => p.properties.li !== 1)]) {
          const plain = new window.Supercluster(D.clusterOptions(14)).load(some);
          const grouped = D.loadGrouped(new window.Supercluster(D.clusterOptions(14)), some);
          for (let z = 2; z <= 14; z++) {
            const a = plain.getClusters([-180, -85, 180, 85], z).map((c) => describe(plain, c)).sort(order);
            const b = grouped.getClusters([-180, -85, 180, 85], z).map((c) => describe(grouped, c)).sort(order);
            if (a.length !== b.length) { diffs.push(`zoom ${z}: ${a.length} clusters and points, grouped ${b.length}`); continue; }
            a.forEach((x, i) => {
              const y = b[i];
              if (Math.abs(x.x - y.x) > 1e-9 || Math.abs(x.y - y.y) > 1e-9 || x.n !== y.n || x.leaves !== y.leaves || x.expand !== y.expand ||
                JSON.stringify(x.layers) !== JSON.stringify(y.layers)) diffs.push(`zoom ${z}: ${JSON.stringify(x)} grouped ${JSON.stringify(y)}`);
            });
          }
        }
        return diffs;
      });
      assert.deepEqual(diffs.slice(0, 5), []);
    });

    test('area badges are placed without 3D transforms, and the labels keep clear of them by their worked-out size', async (t) => {
      if (!features.some((f) => ['country', 'region'].includes(f.properties.precision))) { t.skip('no record across a country or region'); return; }
      const page = await openMap(t);
      for (const z of [3, 6]) {
        const badges = await page.evaluate((z) => {
          const m = window.mapsite.map, P = window.mapsiteParts;
          m.setView([39, 35], z, { animate: false });
          return [...document.querySelectorAll('.area-badge')].map((e) => {
            const inner = e.querySelector('.area-badge-inner'), b = inner.getBoundingClientRect();
            const name = inner.querySelector('.area-name, .visually-hidden').textContent.trim();
            const count = Number(inner.querySelector('.area-count').textContent.replace(/\D/g, ''));
            return { transform: getComputedStyle(e).transform, size: [b.width, b.height],
              worked: P.areas.badgeSize(name, count, !!inner.querySelector('.area-name')) };
          });
        }, z);
        for (const b of badges) {
          assert.equal(b.transform, 'none');
          assert.ok(Math.abs(b.size[0] - b.worked[0]) <= 2 && Math.abs(b.size[1] - b.worked[1]) <= 2,
            `zoom ${z}: badge ${b.size.map(Math.round)} on the page, ${b.worked} worked out`);
        }
        assert.ok(badges.length >= 1, `zoom ${z}: no badge`);
      }
    });

    test('keyboard: Tab to a list entry, Enter opens its popup', async (t) => {
      const page = await openMap(t, '', { reducedMotion: 'no-preference' });
      await worldView(page);
      await page.locator('#q').focus();
      let id = null;
      for (let i = 0; i < 20 && !id; i++) {
        await page.keyboard.press('Tab');
        id = await page.evaluate(() => document.activeElement.classList.contains('record-entry') ? document.activeElement.dataset.id : null);
      }
      assert.ok(id, 'a list entry is reachable with Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.record-popup .popup-title');
      assert.equal(await popupTitle(page), titleOf(id));
      // Focus moves into the popup, whose link is next.
      await page.waitForFunction(() => document.activeElement?.classList.contains('popup-title'));
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.className), 'popup-link');
      // Escape closes it and goes back to the entry.
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('.record-popup'));
      assert.equal(await page.evaluate(() => document.activeElement.dataset.id), id);
      // Every filter control has a label.
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('#filters input, #filters select')]
        .filter((e) => !e.labels || e.labels.length === 0).map((e) => e.name || e.id));
      assert.deepEqual(unlabelled, []);
    });

    test('the site works under a sub-path', async (t) => {
      const sub = await h.serve(out, '/sub/path/');
      t.after(() => sub.close());
      const page = await openMap(t, '', { base: sub.url });
      await worldView(page);
      assert.deepEqual((await page.evaluate(() => window.mapsite.drawn())).byLayer, perLayer);
      const f = features[features.length - 1];
      await page.evaluate((id) => window.mapsite.open(id), f.id);
      await scriptsLoaded(page);
      await page.locator('.record-popup .popup-link').click();
      await page.waitForURL(`${sub.url}incidents/${f.id}/`);
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).fontFamily), 'Times New Roman');
      await page.locator('nav.site-nav a', { hasText: 'Table' }).click();
      await page.waitForURL(`${sub.url}incidents/`);
      await page.locator('nav.site-nav a', { hasText: 'About' }).click();
      await page.waitForURL(`${sub.url}about/`);
      await page.locator('nav.site-nav a', { hasText: 'Map' }).click();
      await h.waitForMap(page);
    });

    test('the site works from file://', async (t) => {
      const base = h.fileURL(out);
      const page = await openMap(t, '', { base, file: 'index.html' });
      await worldView(page);
      assert.deepEqual((await page.evaluate(() => window.mapsite.drawn())).byLayer, perLayer);
      const f = features[0];
      await page.evaluate((id) => window.mapsite.open(id), f.id);
      assert.equal(await popupTitle(page), f.properties.title);
      await h.urlMatches(page, new RegExp(`#id=${f.id}`));
      // Links to folders lead to their index.html, not to a folder listing.
      await page.locator('.record-popup .popup-link').click();
      await page.waitForURL(`${base}incidents/${f.id}/index.html`);
      await page.waitForSelector('.locator-map svg');
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')).borderBottomStyle), 'solid');
      if (features.length > 1) {
        await page.locator('a[rel="next"]').click();
        await page.waitForURL(`${base}incidents/${features[1].id}/index.html`);
      }
      await page.locator('a', { hasText: 'Show on the map' }).click();
      await page.waitForURL(/\/index\.html#id=/);
      await h.waitForMap(page);
      assert.equal(await popupTitle(page), (features[1] || f).properties.title);
      for (const [link, want] of [['Table', 'incidents/index.html'], ['About', 'about/index.html'], ['Map', 'index.html']]) {
        await page.locator('nav.site-nav a', { hasText: link }).click();
        await page.waitForURL(base + want);
      }
    });

    test('the table sorts and filters', async (t) => {
      const page = await open(t, `${srv.url}incidents/`);
      const rows = page.locator('#records tbody tr');
      assert.equal(await rows.count(), features.length);
      const killed = page.locator('th', { hasText: 'Killed' });
      await killed.locator('button').click();
      assert.equal(await killed.getAttribute('aria-sort'), 'descending');
      const max = Math.max(0, ...features.map((f) => f.properties.killed || 0));
      if (max > 0) assert.equal(await rows.first().locator('td').nth(5).getAttribute('data-value'), String(max));
      await killed.locator('button').focus();
      await page.keyboard.press('Enter');
      assert.equal(await killed.getAttribute('aria-sort'), 'ascending');
      const f = features[0];
      await page.locator('#table-filter').fill(f.properties.title.slice(0, 30));
      const visible = page.locator('#records tbody tr:not([hidden])');
      assert.ok((await visible.count()) >= 1 && (await visible.count()) <= features.length);
      assert.ok(await visible.filter({ hasText: f.properties.title }).count() === 1);
    });

    test('screenshots at desktop and phone widths', async (t) => {
      const f = features.find((x) => x.properties.note) || features[0];
      for (const vp of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
        const size = `${vp.width}x${vp.height}`;
        const opts = { viewport: vp, isMobile: vp.width < 700 };
        const page = await openMap(t, '', opts);
        await page.waitForTimeout(200);
        // The timeline's year labels each stay on one line, inside the chart
        // (at 1280 px the last one broke into "202" and a "5" off the page).
        const ticks = await page.evaluate(() => {
          const row = document.querySelector('.timeline-ticks'), box = row.getBoundingClientRect();
          // A year placed as near the edge as the timeline places one: 14 px.
          const probe = row.appendChild(document.createElement('span'));
          probe.className = 'timeline-tick';
          probe.textContent = '2025';
          probe.style.left = `${((box.width - 14) / box.width * 100).toFixed(2)}%`;
          const out = [...document.querySelectorAll('.timeline-tick')].map((e) => {
            const r = e.getBoundingClientRect(), range = document.createRange();
            range.selectNodeContents(e);
            return { text: e.textContent, lines: range.getClientRects().length, left: r.left - box.left, right: box.right - r.right };
          });
          probe.remove();
          return out;
        });
        assert.ok(ticks.length > 0, `no year labels at ${size}`);
        for (const tk of ticks) {
          assert.equal(tk.lines, 1, `year ${tk.text} is on ${tk.lines} lines at ${size}`);
          assert.ok(tk.left >= -1 && tk.right >= -1, `year ${tk.text} runs past the chart at ${size} (${tk.left}, ${tk.right})`);
        }
        await page.screenshot({ path: path.join(h.ARTIFACTS, `${site.name}-map-${size}.png`) });
        await page.evaluate((id) => window.mapsite.open(id), f.id);
        await page.waitForSelector('.record-popup');
        await page.screenshot({ path: path.join(h.ARTIFACTS, `${site.name}-map-popup-${size}.png`) });
        if (vp.width < 700) {
          await page.locator('#panel-toggle').click();
          await page.screenshot({ path: path.join(h.ARTIFACTS, `${site.name}-map-sheet-${size}.png`) });
        }
        await page.goto(`${srv.url}incidents/${f.id}/`);
        await page.waitForSelector('.locator-map svg');
        await page.screenshot({ path: path.join(h.ARTIFACTS, `${site.name}-record-${size}.png`), fullPage: true });
        await page.goto(`${srv.url}incidents/`);
        await page.screenshot({ path: path.join(h.ARTIFACTS, `${site.name}-table-${size}.png`) });
      }
    });
  });
}
