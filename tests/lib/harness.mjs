// Shared helpers of the browser tests: build a site with the real binary,
// serve it from a loopback static server (at / or under a sub-path), and
// drive headless Debian Chromium with playwright-core, failing on any
// request that leaves the site and on any page error or CSP violation.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, readFile, stat, rm, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'mapsite');
export const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'site');
export const ARTIFACTS = path.join(ROOT, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The sites the browser tests run on: the small fixture (every field, a
// hostile title) and the seed site. MAPSITE_E2E_SITES=fixture limits them.
export function sites() {
  const all = [{ name: 'fixture', dir: FIXTURE }, { name: 'seed', dir: ROOT }];
  const only = (process.env.MAPSITE_E2E_SITES || '').split(',').filter(Boolean);
  return only.length ? all.filter((s) => only.includes(s.name)) : all;
}

// build runs `mapsite build` into a fresh temporary folder and returns it;
// args are further flags (e.g. ['--base-url', 'https://example.org/x/']).
export async function build(siteDir, args = []) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`make mapsite\` first`);
  const out = path.join(await mkdtemp(path.join(tmpdir(), 'mapsite-e2e-')), 'public');
  try {
    await run(BIN, ['build', '-s', siteDir, '-o', out, ...args], { timeout: 60_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1714435200' } });
  } catch (err) {
    throw new Error(`mapsite build -s ${siteDir} failed:\n${err.stdout}${err.stderr}`);
  }
  return out;
}

export async function removeBuild(out) {
  await rm(path.dirname(out), { recursive: true, force: true });
}

// start builds siteDir, serves it at "/" and launches the browser: the
// setup every test file shares. stop() undoes what start did, also after a
// partial start.
export async function start(siteDir) {
  const env = { out: null, srv: null, browser: null };
  env.stop = async () => {
    await env.browser?.close();
    await env.srv?.close();
    if (env.out) await removeBuild(env.out);
  };
  try {
    env.out = await build(siteDir);
    env.srv = await serve(env.out, '/');
    env.browser = await launch();
  } catch (err) {
    await env.stop();
    throw err;
  }
  return env;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.geojson': 'application/geo+json', '.xml': 'application/xml', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

// serve serves dir on 127.0.0.1 (a free port) under prefix ("/" or
// "/sub/path/"); anything outside the prefix is a 404. It returns the
// site's URL and a close function.
export async function serve(dir, prefix = '/') {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(prefix)) { res.writeHead(404).end('outside the site'); return; }
    p = p.slice(prefix.length);
    let file = path.join(dir, p);
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end(await readFile(path.join(dir, '404.html')).catch(() => 'not found'));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

export function fileURL(dir) {
  return pathToFileURL(dir + path.sep).href;
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
    timeout: 30_000,
  });
}

// newPage opens a page that may load only files under base (the site's
// own folder, over http or file://), and URLs under options.fake.prefix,
// answered by options.fake.response. Any other request is aborted and
// recorded; page errors, console errors and CSP violations are recorded
// too. problems() returns them all; a test asserts it is empty.
export async function newPage(browser, base, options = {}) {
  const context = await browser.newContext({ viewport: options.viewport || { width: 1280, height: 800 },
    deviceScaleFactor: 1, isMobile: !!options.isMobile, hasTouch: !!options.isMobile, reducedMotion: options.reducedMotion || 'reduce' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(base) || u.startsWith('data:')) return route.continue();
    if (options.fake && u.startsWith(options.fake.prefix)) return route.fulfill(options.fake.response(u));
    problems.push(`request outside the site: ${u}`);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy|Refused to|integrity/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  // A request still loading when the page navigates away is aborted by
  // the browser (net::ERR_ABORTED): on a loaded machine a base-map cell
  // script asked for just before a click on a link. That is no fault of
  // the site, so such a request is not a problem; any other failure is.
  // A request is excused when a navigation started after it, or was on
  // its way when it was asked for (the old page runs until the new one
  // commits).
  let started = 0, committed = 0;
  const issuedAt = new WeakMap();
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) started++;
    issuedAt.set(r, [started, committed]);
  });
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) committed = started; });
  page.on('requestfailed', (r) => {
    if (!r.url().startsWith(base)) return;
    const error = r.failure()?.errorText;
    const [s, c] = issuedAt.get(r) || [started, committed];
    const leftBehind = started > s || s > c;
    if (error === 'net::ERR_ABORTED' && !r.isNavigationRequest() && leftBehind) return;
    problems.push(`failed: ${r.url()} ${error}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(base)) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, context, problems: () => problems.slice() };
}

// waitForMap waits until map.js has drawn the map.
export async function waitForMap(page) {
  await page.waitForSelector('#map[data-ready="true"]', { timeout: 15_000 });
}

// geojson reads the per-layer GeoJSON files of a build.
export async function layerCounts(out) {
  const counts = {};
  for (const f of await readdir(path.join(out, 'layers'))) {
    if (!f.endsWith('.geojson') || f === 'all.geojson' || f === 'links.geojson') continue;
    const fc = JSON.parse(await readFile(path.join(out, 'layers', f), 'utf8'));
    counts[f.replace(/\.geojson$/, '')] = fc.features.length;
  }
  return counts;
}

export async function allFeatures(out) {
  return JSON.parse(await readFile(path.join(out, 'layers', 'all.geojson'), 'utf8')).features;
}

// urlMatches asserts that the page's URL comes to match re. The map writes
// a filter's state into the URL once the step's frame is painted
// (map-state.js, writeHashLater), so a test that has seen the markers and
// counts change may still be a frame ahead of it on a slow machine.
export async function urlMatches(page, re, message) {
  await page.waitForFunction(([source, flags]) => new RegExp(source, flags).test(location.href),
    [re.source, re.flags], { timeout: 10_000 }).catch(() => {});
  assert.match(page.url(), re, message);
}
