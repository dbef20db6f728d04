// map-cpu.mjs times the map's steps as map.mjs does, and also gives the
// renderer main thread's CPU time in each (from a Chromium trace: the
// thread time of its top-level tasks), which a loaded machine disturbs far
// less than wall time:
//
//   drawn      navigation start to performance.mark('mapsite:markers-drawn')
//   popupFull  setting the #id= deep link to the popup with its details
//   filter     unticking a layer to the frame after the filter ran
//
// Usage: node scripts/bench/map-cpu.mjs OUT_DIR RECORD_ID [RUNS]
// It prints one JSON line per run and then the medians and ranges.
import { serve, launch, newPage } from '../../tests/lib/harness.mjs';

const [out, id, runsArg] = process.argv.slice(2);
if (!out || !id) {
  console.error('usage: node scripts/bench/map-cpu.mjs OUT_DIR RECORD_ID [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg || 3);
// BENCH_SETTLE: ms between the popup and the filter (1000; 0 for the
// filter right after the popup has moved the map, as map.mjs times it).
const settle = Number(process.env.BENCH_SETTLE ?? 1000);

// cpuBetween sums the main thread's task CPU (tdur) within [a, b], in
// trace microseconds, a task that overlaps an end in proportion.
function cpuBetween(tasks, a, b) {
  let sum = 0;
  for (const t of tasks) {
    const s = t.ts, e = t.ts + t.dur;
    if (e <= a || s >= b || !t.dur) continue;
    const part = (Math.min(e, b) - Math.max(s, a)) / t.dur;
    sum += (t.tdur ?? t.dur) * part;
  }
  return sum / 1000;
}

function parseTrace(buf) {
  const events = JSON.parse(buf.toString()).traceEvents;
  const marks = {};
  let pid = null;
  for (const e of events) {
    if (e.cat && e.cat.includes('blink.user_timing') && /^(mapsite:|bench:)/.test(e.name)) {
      if (!(e.name in marks)) marks[e.name] = e.ts;
      pid = e.pid;
    }
  }
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args.name === 'CrRendererMain');
  const tasks = events.filter((e) => e.ph === 'X' && e.pid === pid && main && e.tid === main.tid &&
    e.name === 'ThreadControllerImpl::RunTask');
  return { marks, tasks };
}

const srv = await serve(out, '/');
const browser = await launch();
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const { page, context } = await newPage(browser, srv.url);
    page.setDefaultTimeout(60_000);
    await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing', 'disabled-by-default-devtools.timeline'] });
    await page.goto(srv.url);
    const drawnAt = await page.evaluate(() => new Promise((resolve) => {
      const find = () => {
        const m = performance.getEntriesByName('mapsite:markers-drawn')[0];
        if (m) resolve(m.startTime); else setTimeout(find, 10);
      };
      find();
    }));
    await page.waitForSelector('#map[data-ready="true"]');
    await page.waitForTimeout(1500);
    const popup = await page.evaluate((id) => new Promise((resolve) => {
      performance.mark('bench:popup-0');
      const t0 = performance.now();
      let shown = null;
      location.hash = '#id=' + encodeURIComponent(id);
      const poll = () => {
        const link = document.querySelector('.leaflet-popup .popup-link');
        if (link && shown === null) { shown = performance.now() - t0; performance.mark('bench:popup-shown'); }
        const box = link && link.closest('.popup');
        const details = box && box.getAttribute('data-details');
        if (box && (details === null || details === 'loaded')) { performance.mark('bench:popup-full'); resolve([shown, performance.now() - t0]); }
        else if (performance.now() - t0 > 10_000) resolve([shown, null]);
        else requestAnimationFrame(poll);
      };
      poll();
    }), id);
    if (settle) await page.waitForTimeout(settle);
    const filter = await page.evaluate(() => new Promise((resolve) => {
      const box = document.querySelector('input[name="layer"]');
      performance.mark('bench:filter-0');
      const t0 = performance.now();
      box.click();
      requestAnimationFrame(() => requestAnimationFrame(() => { performance.mark('bench:filter-1'); resolve(performance.now() - t0); }));
    }));
    await page.waitForTimeout(300);
    const { marks, tasks } = parseTrace(await browser.stopTracing());
    const nav = marks['mapsite:markers-drawn'] - drawnAt * 1000;
    const row = {
      drawn: drawnAt, drawnCPU: cpuBetween(tasks, nav, marks['mapsite:markers-drawn']),
      popup: popup[0], popupFull: popup[1], popupCPU: cpuBetween(tasks, marks['bench:popup-0'], marks['bench:popup-full']),
      filter, filterCPU: cpuBetween(tasks, marks['bench:filter-0'], marks['bench:filter-1']),
    };
    for (const k in row) row[k] = row[k] == null ? null : Math.round(row[k]);
    console.log(JSON.stringify(row));
    rows.push(row);
    await context.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
const sum = {};
for (const k of Object.keys(rows[0])) {
  const s = rows.map((r) => r[k]).filter((x) => x != null).sort((a, b) => a - b);
  sum[k] = s.length ? `${s[Math.floor((s.length - 1) / 2)]} (${s[0]}–${s[s.length - 1]})` : null;
}
console.log(JSON.stringify(sum));
