// Record pages' locators whose land is a file of its own
// (assets/locators/<name>.svg, shown by an SVG <image>), in headless
// Chromium over http and from file://: the image loads under the pages'
// CSP, and the locator looks as it does with the same land inline, pixel
// for pixel. Screenshots go to artifacts/locator-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { ROOT, ARTIFACTS, build, removeBuild, serve, launch, newPage, fileURL } from './lib/harness.mjs';

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 375, height: 812, isMobile: true }];

let out, srv, browser, shared;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  out = await build(ROOT);
  srv = await serve(out, '/');
  browser = await launch();
  // The record pages whose locator shows a land file.
  shared = [];
  for (const id of await readdir(path.join(out, 'incidents'))) {
    const html = await readFile(path.join(out, 'incidents', id, 'index.html'), 'utf8').catch(() => '');
    const m = /<image href="\.\.\/\.\.\/(assets\/locators\/[0-9a-f]+\.svg)"/.exec(html);
    if (m) shared.push({ id, file: m[1] });
  }
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (out) await removeBuild(out);
});

// decodePNG returns the width, height and RGBA pixels of a PNG screenshot
// (8-bit RGB or RGBA, not interlaced).
function decodePNG(png) {
  let width = 0, height = 0, type = 0;
  const idat = [];
  for (let i = 8; i < png.length;) {
    const len = png.readUInt32BE(i), kind = png.toString('ascii', i + 4, i + 8);
    const data = png.subarray(i + 8, i + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); type = data[9];
      assert.ok(data[8] === 8 && (type === 2 || type === 6) && data[12] === 0, 'an unexpected PNG');
    }
    if (kind === 'IDAT') idat.push(data);
    i += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3, stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const q = a + b - c, pa = Math.abs(q - a), pb = Math.abs(q - b), pc = Math.abs(q - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = (line[x] + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) px[(y * width + x) * 4 + k] = line[x * bpp + k];
      px[(y * width + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width, height, px };
}

// differing counts the pixels of two screenshots that differ by more than
// tol in a channel.
function differing(a, b, tol) {
  assert.equal(a.width, b.width);
  assert.equal(a.height, b.height);
  let n = 0;
  for (let i = 0; i < a.px.length; i += 4) {
    if ([0, 1, 2].some((k) => Math.abs(a.px[i + k] - b.px[i + k]) > tol)) n++;
  }
  return n;
}

// landPixels counts the pixels of a screenshot in the land's colour.
function landPixels(s) {
  let n = 0;
  for (let i = 0; i < s.px.length; i += 4) {
    if (Math.abs(s.px[i] - 0xf7) <= 3 && Math.abs(s.px[i + 1] - 0xf5) <= 3 && Math.abs(s.px[i + 2] - 0xf0) <= 3) n++;
  }
  return n;
}

test('the seed site shares the land of its country-wide records', () => {
  assert.ok(shared.length >= 3, `${shared.length} record pages show a land file`);
  // Several records share one file.
  assert.ok(new Set(shared.map((s) => s.file)).size < shared.length, 'no two records share a land file');
});

for (const where of ['http', 'file']) {
  test(`a land file draws as the same land inline (${where})`, async () => {
    const base = where === 'http' ? srv.url : fileURL(out);
    const { id, file } = shared[0];
    const svg = await readFile(path.join(out, file), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="-8 -8 336 206"/);
    for (const vp of VIEWPORTS) {
      const { page, context, problems } = await newPage(browser, base, { viewport: { width: vp.width, height: vp.height }, isMobile: vp.isMobile });
      try {
        const loaded = [];
        page.on('requestfinished', (r) => { if (r.url().includes('/assets/locators/')) loaded.push(r.url()); });
        await page.goto(base + `incidents/${id}/${where === 'file' ? 'index.html' : ''}`, { waitUntil: 'load' });
        assert.equal(loaded.length, 1, `the land file was asked for ${loaded.length} times`);
        const label = await page.locator('.locator svg.locator-svg').getAttribute('aria-label');
        assert.match(label, /^Locator map: /);
        const map = page.locator('.locator-map');
        const withImage = await map.screenshot({ path: path.join(ARTIFACTS, `locator-${where}-${vp.width}-image.png`) });
        // The same land inline, as the file draws it.
        await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const img = document.querySelector('.locator svg.locator-svg image');
          for (const el of [...doc.documentElement.children]) img.before(document.importNode(el, true));
          img.remove();
        }, svg);
        const inline = await map.screenshot({ path: path.join(ARTIFACTS, `locator-${where}-${vp.width}-inline.png`) });
        const a = decodePNG(withImage), b = decodePNG(inline);
        const land = landPixels(b);
        assert.ok(land > a.width * a.height / 20, `only ${land} pixels of land inline: the test shows nothing`);
        // Anti-aliasing differs by a few levels; an edge or a missing
        // land by far more.
        const n = differing(a, b, 16);
        assert.ok(n <= a.width * a.height / 1000, `${n} of ${a.width * a.height} pixels differ between the image and the inline land`);
        assert.deepEqual(problems(), []);
      } finally {
        await context.close();
      }
    }
  });
}

// Kept for a look by eye: a page of each kind at both widths.
test('screenshots of record pages with inline and shared land', async () => {
  const inline = (await readdir(path.join(out, 'incidents'))).find((id) => id.includes('crocus'));
  for (const vp of VIEWPORTS) {
    const { page, context, problems } = await newPage(browser, srv.url, { viewport: { width: vp.width, height: vp.height }, isMobile: vp.isMobile });
    try {
      for (const id of [inline, shared[0].id]) {
        await page.goto(srv.url + `incidents/${id}/`, { waitUntil: 'load' });
        await writeFile(path.join(ARTIFACTS, `locator-page-${id}-${vp.width}.png`), await page.locator('.locator').screenshot());
      }
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  }
});
