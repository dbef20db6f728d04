// brush.mjs times the timeline brush on a built site in headless Chromium:
// how long from a keyboard step of the brush's start handle until the map,
// the list, the legend counts and the URL have followed (the filter runs
// synchronously in the key handler), and until the next frame is painted.
// It prints the medians and the slowest run as JSON.
//
// Usage: node scripts/bench/brush.mjs OUT_DIR [STEPS]
//   e.g. go run ./scripts/bench/gen -n 10000 -o /tmp/big &&
//        ./mapsite build -s /tmp/big -o /tmp/big/public &&
//        node scripts/bench/brush.mjs /tmp/big/public
import { serve, launch, newPage, waitForMap } from '../../tests/lib/harness.mjs';

const [out, stepsArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/bench/brush.mjs OUT_DIR [STEPS]');
  process.exit(2);
}
const steps = Number(stepsArg || 30);
const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

const srv = await serve(out, '/');
const browser = await launch();
try {
  const { page, context } = await newPage(browser, srv.url);
  page.setDefaultTimeout(120_000);
  await page.goto(srv.url);
  await waitForMap(page);
  const r = await page.evaluate(async (steps) => {
    const handle = document.querySelector('.timeline-handle-from');
    const frame = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const sync = [], painted = [], shown = [];
    for (let i = 0; i < steps; i++) {
      // Walk the window's start forward, then back to the beginning.
      const key = i < steps / 2 ? 'ArrowRight' : 'ArrowLeft';
      const t0 = performance.now();
      handle.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      sync.push(performance.now() - t0);
      await frame();
      painted.push(performance.now() - t0);
      shown.push(window.mapsite.visible().length);
    }
    return { records: (window.MAPSITE_DATA.records.id || window.MAPSITE_DATA.records).length, sync, painted, shown };
  }, steps);
  console.log(JSON.stringify({
    records: r.records, steps,
    filter_ms_median: +median(r.sync).toFixed(1), filter_ms_max: +Math.max(...r.sync).toFixed(1),
    to_paint_ms_median: +median(r.painted).toFixed(1), to_paint_ms_max: +Math.max(...r.painted).toFixed(1),
    shown_min: Math.min(...r.shown), shown_max: Math.max(...r.shown),
  }));
  await context.close();
} finally {
  await browser.close();
  await srv.close();
}
