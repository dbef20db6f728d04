// firstdraw.mjs loads a built site's map N times at 1280×800 and 375×812 and
// prints the median time to performance.mark('mapsite-ready') and the bytes of
// base-map data loaded: node scripts/basemap/firstdraw.mjs public 7
import { serve, launch, newPage } from '../../tests/lib/harness.mjs';
const dir = process.argv[2], n = +process.argv[3] || 7;
const srv = await serve(dir, '/');
const browser = await launch();
const res = {};
for (const vp of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
  const key = vp.width + 'x' + vp.height, times = [];
  for (let i = 0; i < n; i++) {
    const { page, context } = await newPage(browser, srv.url, { viewport: vp });
    await page.goto(srv.url);
    await page.waitForSelector('#map[data-ready="true"]', { timeout: 20000 });
    const t = await page.evaluate(() => {
      const m = performance.getEntriesByName('mapsite:markers-drawn')[0] || performance.getEntriesByName('mapsite-ready')[0];
      const bytes = performance.getEntriesByType('resource').filter(r => /basemap|countries\.|topojson/.test(r.name)).reduce((a, r) => a + r.encodedBodySize, 0);
      return { t: m.startTime, bytes };
    });
    times.push(t.t); res[key + ' basemap bytes'] = t.bytes;
    await context.close();
  }
  times.sort((a, b) => a - b);
  res[key] = { median: times[times.length >> 1].toFixed(1), all: times.map(x => x.toFixed(0)).join(' ') };
}
console.log(JSON.stringify(res, null, 1));
await browser.close(); await srv.close();
