// The built site passes independent validators: the Nu HTML checker on
// every HTML page, and @placemarkio/check-geojson on every GeoJSON layer.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { check } from '@placemarkio/check-geojson';
import * as h from './lib/harness.mjs';

const run = promisify(execFile);
const VNU = path.join(h.ROOT, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

async function files(dir, ext) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) out.push(path.join(e.parentPath ?? e.path, e.name));
  }
  return out.sort();
}

for (const site of h.sites()) {
  describe(`validators (${site.name})`, { timeout: 180_000 }, () => {
    let out;
    before(async () => { out = await h.build(site.dir); });
    after(async () => { if (out) await h.removeBuild(out); });

    test('Nu HTML checker finds no error in any page', async () => {
      const pages = await files(out, '.html');
      assert.ok(pages.length >= 5);
      try {
        await run('java', ['-jar', VNU, '--errors-only', '--format', 'text', ...pages], { timeout: 150_000, maxBuffer: 1 << 24 });
      } catch (err) {
        assert.fail(`vnu reported errors:\n${(err.stderr || err.message).replaceAll(out, '')}`);
      }
    });

    test('every GeoJSON layer is valid RFC 7946', async () => {
      const layers = await files(path.join(out, 'layers'), '.geojson');
      assert.ok(layers.length >= 3);
      for (const f of layers) {
        const text = await readFile(f, 'utf8');
        try {
          const fc = check(text);
          assert.equal(fc.type, 'FeatureCollection', path.basename(f));
        } catch (err) {
          assert.fail(`${path.basename(f)}: ${JSON.stringify(err.issues || err.message)}`);
        }
      }
    });
  });
}
