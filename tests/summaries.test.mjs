// A site too large to load its summaries at idle time (over four chunks
// of them, 16,384 records) loads them when the reader goes to the search
// box: not with the page, and before the query is typed, so that the first
// search finds words of the summaries without waiting for them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, build, removeBuild, serve, launch, newPage, waitForMap } from './lib/harness.mjs';

const run = promisify(execFile);
const GEN = 17000;
const SUMMARY_CHUNK = /\/records\/s\d+\.[0-9a-f]+\.js$/;

let tmp, out, srv, browser, features;
before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'mapsite-summaries-'));
  const site = path.join(tmp, 'site');
  await run('go', ['run', './scripts/bench/gen', '-n', String(GEN), '-o', site], { cwd: ROOT, timeout: 120_000 });
  out = await build(site);
  features = JSON.parse(await readFile(path.join(out, 'layers', 'all.geojson'), 'utf8')).features;
  srv = await serve(out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.close();
  if (out) await removeBuild(out);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the summaries load when the search box takes the focus, not with the page', async (t) => {
  const { page, context, problems } = await newPage(browser, srv.url);
  t.after(() => context.close());
  const asked = [];
  page.on('request', (r) => { if (SUMMARY_CHUNK.test(r.url())) asked.push(r.url()); });
  await page.goto(srv.url);
  await waitForMap(page);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500); // past the idle work of a small site
  assert.deepEqual(asked, [], 'no summary chunk before the search box has the focus');

  const files = await page.evaluate(() => window.MAPSITE_DATA.texts.files.length);
  assert.ok(files > 4, `${files} chunks of summaries: the site is too small for this test`);
  const loaded = page.waitForResponse((r) => SUMMARY_CHUNK.test(r.url()));
  await page.locator('#q').focus();
  await loaded;
  await page.waitForLoadState('networkidle');
  assert.equal(new Set(asked).size, files, 'every chunk of summaries, once each');

  // A word that only summaries hold, searched right away: found in them.
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const head = (p) => fold([p.title, p.place, p.matched_place, p.country_name, (p.tags || []).join(' '), p.perpetrator].join(' '));
  const heads = features.map((f) => head(f.properties)).join(' ');
  let word = null;
  for (const f of features) {
    word = fold(f.properties.summary).split(/[^a-z]+/).find((w) => w.length >= 6 && !heads.includes(w));
    if (word) break;
  }
  assert.ok(word, 'a word found only in summaries');
  const want = features.filter((f) => fold(f.properties.summary).includes(word)).length;
  await page.locator('#q').fill(word);
  await page.waitForFunction((n) => window.mapsite.visible().length === n, want);
  assert.equal(new Set(asked).size, files, 'the search loaded nothing more');
  assert.deepEqual(problems(), []);
});
