// Everything from the data is shown as text: the fixture's hostile title,
// summary, tag and source title must never become markup, in the map's
// list and popup, on the record page or in the table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './lib/harness.mjs';

const HOSTILE = 'tehran-2022-summer';
const TITLE = '<img src=x onerror=alert(1)> hostile & "quoted" title';

let env, srv, browser;
before(async () => {
  env = await h.start(h.FIXTURE);
  ({ srv, browser } = env);
});
after(async () => { await env?.stop(); });

async function noInjectedMarkup(page) {
  return page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"], img[onerror]').length,
    script: [...document.scripts].filter((s) => !s.src).length,
    bold: document.querySelectorAll('main b, .leaflet-popup b').length,
    em: document.querySelectorAll('.sources em').length,
  }));
}

test('hostile text stays text on the map, the record page and the table', { timeout: 60_000 }, async (t) => {
  const { page, context, problems } = await h.newPage(browser, srv.url);
  t.after(() => context.close());
  await page.goto(`${srv.url}#id=${HOSTILE}`);
  await h.waitForMap(page);
  await page.waitForSelector('.record-popup .popup-title');
  assert.equal(await page.locator('.record-popup .popup-title').textContent(), TITLE);
  await page.evaluate(() => { window.mapsite.map.setView([30, 20], 2, { animate: false }); });
  assert.equal(await page.locator(`.record-entry[data-id="${HOSTILE}"] .entry-title`).textContent(), TITLE);
  await page.locator('#q').fill('onerror');
  await page.waitForFunction(() => window.mapsite.visible().length === 1);
  assert.deepEqual(await noInjectedMarkup(page), { img: 0, script: 0, bold: 0, em: 0 });

  await page.goto(`${srv.url}incidents/${HOSTILE}/`);
  assert.equal(await page.locator('h1').textContent(), TITLE);
  assert.match(await page.title(), /^<img src=x onerror=alert\(1\)>/);
  assert.match(await page.locator('.summary').textContent(), /<script>alert\(2\)<\/script> must show as text/);
  assert.equal(await page.locator('.tags li').first().textContent(), '<b>tag</b>');
  assert.equal(await page.locator('.sources a').first().textContent(), 'Source with <em>markup</em>');
  assert.deepEqual(await noInjectedMarkup(page), { img: 0, script: 0, bold: 0, em: 0 });

  await page.goto(`${srv.url}incidents/`);
  assert.equal(await page.locator(`a[href="../incidents/${HOSTILE}/"]`).textContent(), TITLE);
  assert.deepEqual(await noInjectedMarkup(page), { img: 0, script: 0, bold: 0, em: 0 });
  assert.deepEqual(problems(), []);
});
