// The hostile site (testdata/hostile/) carries a payload in every text
// field of site.toml and of the data: script tags, event handlers,
// javascript: URLs, a meta refresh, </script>, -->, CSS breakouts, template
// syntax, JSON breakers, bidi and zero-width characters, very long strings.
// This test builds it and opens every page type: the map (every record's
// popup, every tile layer, the cluster tooltips), every record page, the
// table, about, 404, feed.xml and sitemap.xml (and the main pages again
// opened from disk). It fails on any dialog, any
// navigation away, any console error or CSP violation, any request that
// leaves the site, and any element or attribute that the templates and
// scripts did not make.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as h from './lib/harness.mjs';

const SITE = path.join(h.ROOT, 'testdata', 'hostile');
const BASE_URL = 'https://hostile.example.org/map/'; // site.toml's base_url: 404.html links from it
const TILES = 'https://tiles.example.org/';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');

// ALLOWED are the elements the templates, the site's scripts and Leaflet
// make. Anything else on a page came from the data.
const ALLOWED = new Set(`html head meta title link body script a header div p nav main h1 h2 h3 section button span
  details summary form fieldset legend label input select option ol ul li noscript figure figcaption dl dt dd code
  aside article time table caption thead tbody tr th td footer strong br textarea canvas img
  svg g rect path circle line polyline polygon text title desc`.split(/\s+/).filter(Boolean));

let env, srv, browser, features, out;
before(async () => {
  env = await h.start(SITE);
  ({ srv, browser, out } = env);
  features = await h.allFeatures(out);
});
after(async () => { await env?.stop(); });

// open opens a page of the hostile site that answers the base URL (from
// the build) and the tile host (a blank tile), and records any navigation
// away from the site. site is the build served, if not the main one.
async function open(t, options = {}, site = { url: srv.url, out }) {
  const outside = [];
  const p = await h.newPage(browser, site.url, {
    ...options,
    fake: {
      prefix: 'https://',
      response: (u) => {
        if (u.startsWith(TILES)) return { status: 200, contentType: 'image/png', body: PNG };
        if (u.startsWith(BASE_URL)) {
          const rel = decodeURIComponent(new URL(u).pathname.slice(new URL(BASE_URL).pathname.length));
          return { status: 200, path: path.join(site.out, rel.endsWith('/') || rel === '' ? rel + 'index.html' : rel) };
        }
        outside.push(`request outside the site: ${u}`);
        return { status: 404, body: '' };
      },
    },
  });
  p.page.on('framenavigated', (f) => {
    const u = f.url();
    if (f === p.page.mainFrame() && !u.startsWith(site.url) && !u.startsWith(BASE_URL) && u !== 'about:blank') outside.push(`navigated away: ${u}`);
    if (f !== p.page.mainFrame() && u !== 'about:blank' && u !== '') outside.push(`a frame loaded ${u}`);
  });
  t.after(() => p.context.close());
  return { ...p, problems: () => [...p.problems(), ...outside] };
}

// inspect lists what on the page the templates and scripts did not make:
// unknown elements, event-handler attributes, javascript: URLs, a meta
// refresh, a base element, inline scripts and styles, and anything marked
// data-pwn (every payload that is markup carries it).
async function inspect(page, where) {
  const found = await page.evaluate((allowed) => {
    allowed = new Set(allowed);
    const bad = [];
    const all = [document.documentElement, ...document.querySelectorAll('*')];
    // Popups, tooltips and controls of Leaflet are in the document; shadow
    // roots are not used, but look anyway.
    for (const el of all) if (el.shadowRoot) all.push(...el.shadowRoot.querySelectorAll('*'));
    for (const el of all) {
      const name = el.localName;
      // The 404 page carries its CSS inline, in the head.
      const headStyle = name === 'style' && el.parentElement === document.head && el.attributes.length === 0;
      if (!allowed.has(name) && !headStyle) bad.push(`<${name}> element`);
      for (const a of el.attributes) {
        const v = a.value.replace(/[\u0000-\u0020\u007f-\u00a0\u200b-\u200f\u2028-\u202e\ufeff]/g, '').toLowerCase();
        if (/^on/i.test(a.name)) bad.push(`<${name} ${a.name}>`);
        if (a.name === 'data-pwn') bad.push(`<${name} data-pwn>`);
        if (/^(href|src|action|formaction|data|xlink:href|poster|background|srcdoc)$/.test(a.name) && /^(javascript|vbscript|data:text\/html)/.test(v)) bad.push(`<${name} ${a.name}="${a.value.slice(0, 40)}">`);
      }
      if (name === 'meta' && el.httpEquiv && el.httpEquiv.toLowerCase() !== 'content-security-policy') bad.push(`<meta http-equiv="${el.httpEquiv}">`);
      if (name === 'script' && !el.src) bad.push('inline <script>');
      if (name === 'script' && el.src && !el.src.startsWith(location.origin) && !el.src.startsWith('https://hostile.example.org/map/')) bad.push(`<script src="${el.src}">`);
      if (name === 'img' && el.getAttribute('src') === 'x') bad.push('<img src=x>');
    }
    if (document.querySelectorAll('base, body style, iframe, object, embed, math, mglyph, frame, frameset').length) bad.push('a base, style, iframe, object, embed or math element');
    if (document.body && getComputedStyle(document.body).display === 'none') bad.push('the body was hidden');
    return bad;
  }, [...ALLOWED]);
  return found.map((b) => `${where}: ${b}`);
}

// settle waits for a meta refresh or a late script to act.
const settle = (page) => page.waitForTimeout(300);

test('the detector sees injected markup (a canary)', async (t) => {
  const { page } = await open(t);
  await page.goto(srv.url + 'about/');
  assert.deepEqual(await inspect(page, 'about'), []);
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.innerHTML = '<img src=x data-pwn onerror="void 0"><meta http-equiv="refresh" content="9999"><b>b</b><marquee>m</marquee>';
    document.querySelector('main').append(d);
  });
  const found = (await inspect(page, 'about')).join('\n');
  for (const want of ['<marquee> element', 'onerror', 'data-pwn', 'http-equiv="refresh"', '<img src=x>']) assert.match(found, new RegExp(want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('no payload runs or becomes markup on the map, in any popup, tooltip or tile layer', { timeout: 180_000 }, async (t) => {
  const { page, problems } = await open(t, { viewport: { width: 1280, height: 800 } });
  await page.goto(srv.url);
  try {
    await h.waitForMap(page);
  } catch (err) {
    throw new Error(`the map did not load (at ${page.url()}): ${err.message}\n${problems().join('\n')}`);
  }
  await settle(page);
  const found = await inspect(page, 'map');

  // Every record's popup.
  for (const f of features) {
    await page.evaluate((id) => window.mapsite.open(id), f.id);
    await page.waitForSelector('.record-popup .popup-title');
    assert.equal(await page.locator('.record-popup .popup-title').textContent(), f.properties.title, `popup of ${f.id}`);
    found.push(...await inspect(page, `popup of ${f.id}`));
  }

  // The cluster tooltips name the layers, at a few zooms.
  for (const z of [3, 5, 7]) {
    const n = await page.evaluate((z) => {
      const m = window.mapsite.map;
      m.closePopup();
      m.setView([46.5, 3], z, { animate: false });
      let n = 0;
      m.eachLayer((l) => { if (l.getTooltip && l.getTooltip()) { l.openTooltip(); n++; } });
      return n;
    }, z);
    t.diagnostic(`zoom ${z}: ${n} tooltips opened`);
    found.push(...await inspect(page, `tooltips at zoom ${z}`));
  }

  // The layers control, expanded, and every tile layer (its attribution).
  const control = page.locator('.leaflet-control-layers');
  await control.evaluate((c) => c.classList.add('leaflet-control-layers-expanded'));
  const radios = page.locator('.leaflet-control-layers-base input[type=radio]');
  const count = await radios.count();
  for (let i = 0; i < count; i++) {
    await radios.nth(i).evaluate((r) => r.click());
    assert.ok(await radios.nth(i).isChecked(), `base layer ${i} chosen`);
    found.push(...await inspect(page, `tile layer ${i}`));
  }
  t.diagnostic(`${count} base layers in the switcher`);

  // Filters and search built from the data.
  await page.locator('#q').fill('<script>');
  await settle(page);
  found.push(...await inspect(page, 'map, searched'));
  await settle(page);
  assert.ok(page.url().startsWith(srv.url), `the map page navigated to ${page.url()}`);
  assert.deepEqual(found, []);
  assert.deepEqual(problems(), []);
});

test('very long text wraps: no page is wider than the screen, and the map keeps its room', { timeout: 120_000 }, async (t) => {
  const record = features[0].id;
  for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
    const { page } = await open(t, { viewport });
    for (const rel of ['', 'incidents/', 'about/', `incidents/${record}/`]) {
      await page.goto(srv.url + rel);
      if (rel === '') await h.waitForMap(page);
      const got = await page.evaluate(() => ({
        width: document.documentElement.scrollWidth,
        map: document.getElementById('map')?.getBoundingClientRect().height,
      }));
      // The table scrolls inside its own box on a phone; the page itself does not.
      if (rel !== 'incidents/') assert.ok(got.width <= viewport.width, `${rel || 'map'} at ${viewport.width}px is ${got.width}px wide`);
      if (rel === '') assert.ok(got.map >= viewport.height / 3, `the map is ${got.map}px tall at ${viewport.width}×${viewport.height}`);
    }
  }
});

test('no payload runs or becomes markup on any record page', { timeout: 180_000 }, async (t) => {
  const { page, problems } = await open(t);
  const found = [];
  for (const f of features) {
    await page.goto(`${srv.url}incidents/${f.id}/`);
    await settle(page);
    assert.equal((await page.locator('h1').textContent()).trim(), f.properties.title, `h1 of ${f.id}`);
    assert.equal(await page.title(), `${f.properties.title} · ${await siteTitle()}`, `title of ${f.id}`);
    found.push(...await inspect(page, f.id));
    assert.ok(page.url().startsWith(srv.url), `${f.id} navigated to ${page.url()}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(problems(), []);
});

test('no payload runs or becomes markup on the table, about and 404 pages', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await open(t);
  const found = [];
  for (const p of ['incidents/', 'about/', '404.html']) {
    await page.goto(srv.url + p);
    await settle(page);
    found.push(...await inspect(page, p));
    assert.ok(page.url().startsWith(srv.url), `${p} navigated to ${page.url()}`);
  }
  await page.goto(srv.url + 'incidents/');
  await page.locator('#table-filter').fill('<img');
  await settle(page);
  found.push(...await inspect(page, 'table, filtered'));
  assert.deepEqual(found, []);
  assert.deepEqual(problems(), []);
});

test('feed.xml and sitemap.xml are well-formed and carry the payloads as text', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await open(t);
  for (const p of ['feed.xml', 'sitemap.xml']) {
    await page.goto(srv.url + p);
    await settle(page);
    assert.ok(page.url().startsWith(srv.url), `${p} navigated to ${page.url()}`);
  }
  const feed = await readFile(path.join(out, 'feed.xml'), 'utf8');
  const parsed = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const err = doc.querySelector('parsererror');
    const foreign = [...doc.getElementsByTagName('*')].filter((e) => e.namespaceURI !== 'http://www.w3.org/2005/Atom').map((e) => e.localName);
    return { err: err && err.textContent, foreign, titles: [...doc.querySelectorAll('entry > title')].map((e) => e.textContent) };
  }, feed);
  assert.equal(parsed.err, null);
  assert.deepEqual(parsed.foreign, [], 'elements outside the Atom namespace');
  for (const f of features) assert.ok(parsed.titles.includes(f.properties.title), `feed entry of ${f.id}`);
  assert.deepEqual(problems(), []);
});

test('opened from disk too, nothing runs or becomes markup', { timeout: 120_000 }, async (t) => {
  const base = h.fileURL(out);
  const { page, context, problems } = await h.newPage(browser, base, { viewport: { width: 1280, height: 800 } });
  t.after(() => context.close());
  const found = [];
  await page.goto(base + 'index.html');
  await h.waitForMap(page);
  for (const f of features.slice(0, 5)) {
    await page.evaluate((id) => window.mapsite.open(id), f.id);
    await page.waitForSelector('.record-popup .popup-title');
    found.push(...await inspect(page, `file:// popup of ${f.id}`));
  }
  for (const p of [`incidents/${features[0].id}/index.html`, 'incidents/index.html', 'about/index.html']) {
    await page.goto(base + p);
    await settle(page);
    found.push(...await inspect(page, `file:// ${p}`));
    assert.ok(page.url().startsWith(base), `${p} navigated to ${page.url()}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(problems(), []);
});

let cachedTitle;
async function siteTitle() {
  if (cachedTitle == null) {
    const html = await readFile(path.join(out, 'index.html'), 'utf8');
    const m = /<title>([^<]*)<\/title>/.exec(html);
    cachedTitle = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');
  }
  return cachedTitle;
}

test('drawn from vector tiles, the search lists every payload as text', { timeout: 180_000 }, async (t) => {
  // The same site with its records as vector tiles: its search reads the
  // index of words and the cards the build writes (build/search.go).
  const dir = await mkdtemp(path.join(tmpdir(), 'mapsite-hostile-tiles-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await cp(SITE, dir, { recursive: true });
  const toml = path.join(dir, 'site.toml');
  await writeFile(toml, (await readFile(toml, 'utf8')).replace(/^\[map\]\n/m, '[map]\nvector_tiles = "always"\n'));
  const tilesOut = await h.build(dir);
  t.after(() => h.removeBuild(tilesOut));
  const tilesSrv = await h.serve(tilesOut, '/');
  t.after(() => tilesSrv.close());
  const { page, problems } = await open(t, { viewport: { width: 1280, height: 800 } }, { url: tilesSrv.url, out: tilesOut });
  await page.goto(tilesSrv.url);
  await h.waitForMap(page);
  const found = await inspect(page, 'tiles map');
  let listed = 0;
  for (const f of features) {
    const q = f.properties.title.replace(/\s+/g, ' ').trim().slice(0, 200);
    await page.locator('#q').fill(q);
    await page.waitForFunction((q) => {
      const el = document.getElementById('search-results');
      return el.dataset.q === q && !el.hasAttribute('aria-busy');
    }, q.trim(), { timeout: 15_000 });
    const entry = page.locator(`#search-results .record-entry[data-id="${f.id.replace(/["\\]/g, '\\$&')}"] .entry-title`);
    if (await entry.count()) {
      listed++;
      assert.equal(await entry.textContent(), f.properties.title, `${f.id} is listed with its title as text`);
    }
    found.push(...await inspect(page, `search for ${f.id}`));
  }
  t.diagnostic(`${listed} of ${features.length} records listed by a search for their title`);
  assert.ok(listed >= features.length / 2, `only ${listed} of ${features.length} records found by their title`);
  // An entry opens its record's popup.
  const first = page.locator('#search-results .record-entry').first();
  if (await first.count()) {
    await first.click();
    await page.waitForSelector('.record-popup .popup-title');
    found.push(...await inspect(page, 'a record opened from the search'));
  }
  await settle(page);
  assert.ok(page.url().startsWith(tilesSrv.url), `the map page navigated to ${page.url()}`);
  assert.deepEqual(found, []);
  assert.deepEqual(problems().filter((p) => !/\.pmtiles/.test(p)), []);
});
