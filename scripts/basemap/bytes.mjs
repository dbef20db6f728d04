// bytes.mjs prints, for views from zoom 3 to 13 at 1280×800 and 375×812, the
// base-map files a reader loads and their bytes: node scripts/basemap/bytes.mjs public
import { serve, launch, newPage } from '../../tests/lib/harness.mjs';
const dir = process.argv[2];
const srv = await serve(dir, '/');
const browser = await launch();
const views = [[3, 35, 40], [4, 41, 29], [5, 41, 29], [6, 32.5, 54], [7, 41, 29], [8, 41, 29], [10, 41.02, 28.97], [12, 41.02, 28.97], [13, 55.8253, 37.3887]];
for (const vp of [{ width: 1280, height: 800 }, { width: 375, height: 812 }]) {
  for (const [z, lat, lon] of views) {
    const { page, context } = await newPage(browser, srv.url, { viewport: vp });
    await page.goto(`${srv.url}#z=${z}&lat=${lat}&lon=${lon}`);
    await page.waitForSelector('#map[data-ready="true"]', { timeout: 20000 });
    await page.waitForTimeout(2500);
    const r = await page.evaluate(() => {
      const e = performance.getEntriesByType('resource').filter((r) => /basemap|countries\.|topojson/.test(r.name));
      return { n: e.length, bytes: e.reduce((a, r) => a + r.encodedBodySize, 0), world: e.filter((r) => /basemap-world|countries\./.test(r.name)).reduce((a, r) => a + r.encodedBodySize, 0) };
    });
    console.log(`${vp.width}x${vp.height} z${z} ${lat},${lon}: ${r.n} files, ${(r.bytes / 1024).toFixed(0)} KiB (world script ${(r.world / 1024).toFixed(0)} KiB, cells ${((r.bytes - r.world) / 1024).toFixed(0)} KiB)`);
    await context.close();
  }
}
await browser.close(); await srv.close();
