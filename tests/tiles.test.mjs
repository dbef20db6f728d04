// A site that configures a tile layer: the outlines stay the default (no
// tile is requested until the reader picks the tiles), the tiles' origin is
// allowed by the Content Security Policy and nothing else is, and the
// configured attribution is shown as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as h from './lib/harness.mjs';

const TILES = 'https://tiles.example.test/';
// A 1 × 1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let siteDir, env, srv, browser;
before(async () => {
  siteDir = path.join(await mkdtemp(path.join(tmpdir(), 'mapsite-tiles-')), 'site');
  await cp(h.FIXTURE, siteDir, { recursive: true });
  await appendFile(path.join(siteDir, 'site.toml'), `
[[map.tiles]]
name        = "Example tiles"
url         = "${TILES}{z}/{x}/{y}.png"
attribution = "© Example <b>tiles</b>"
max_zoom    = 18
`);
  env = await h.start(siteDir);
  ({ srv, browser } = env);
});
after(async () => {
  await env?.stop();
  if (siteDir) await rm(path.dirname(siteDir), { recursive: true, force: true });
});

test('configured tiles are a second base layer, allowed by the CSP', { timeout: 60_000 }, async (t) => {
  const tiles = [];
  const { page, context, problems } = await h.newPage(browser, srv.url, {
    fake: { prefix: TILES, response: (u) => { tiles.push(u); return { status: 200, contentType: 'image/png', body: PNG }; } },
  });
  t.after(() => context.close());
  await page.goto(srv.url);
  await h.waitForMap(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /img-src 'self' data: https:\/\/tiles\.example\.test;/);
  assert.doesNotMatch(csp.replace('https://tiles.example.test', ''), /https?:/, 'no other origin');
  await page.waitForTimeout(300);
  assert.equal(tiles.length, 0, 'no tile is requested while the outlines are shown');

  const control = page.locator('.leaflet-control-layers');
  await control.hover();
  await page.getByLabel('Example tiles').check();
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-loaded').length > 0);
  assert.ok(tiles.length > 0);
  const attribution = await page.locator('.leaflet-control-attribution').textContent();
  assert.match(attribution, /© Example <b>tiles<\/b>/);
  assert.equal(await page.locator('.leaflet-control-attribution b').count(), 0);
  assert.deepEqual(problems(), []);

  await page.goto(`${srv.url}about/`);
  assert.match(await page.locator('main').textContent(), /Tiles \(Example tiles\): © Example <b>tiles<\/b>/);
});
