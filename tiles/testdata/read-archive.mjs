// Reads tiles of a PMTiles archive with the npm package pmtiles, the map's
// own reader, and prints what it finds as JSON lines: {z, x, y, text}
// where text is the tile's bytes, decompressed, as UTF-8 ("" for none).
// Usage: node read-archive.mjs ARCHIVE TILES.json (an array of [z, x, y]).
import { readFile } from 'node:fs/promises';
import { PMTiles } from 'pmtiles';

const [archivePath, tilesPath] = process.argv.slice(2);
const buf = await readFile(archivePath);
const source = {
  getKey: () => archivePath,
  getBytes: async (offset, length) => ({ data: buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + length) }),
};
const archive = new PMTiles(source);
for (const [z, x, y] of JSON.parse(await readFile(tilesPath, 'utf8'))) {
  const tile = await archive.getZxy(z, x, y);
  const text = tile ? new TextDecoder().decode(tile.data) : '';
  process.stdout.write(JSON.stringify({ z, x, y, text }) + '\n');
}
