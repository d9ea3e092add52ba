#!/usr/bin/env node
// Draws build/icon.png (512×512 RGBA): a dark rounded tile with rising candlesticks and a trend
// line. Plain Node (zlib + a hand-written PNG encoder), no network, no dependencies; deterministic.
// Run: node build/make-icon.mjs [size]   (electron-builder derives .icns/.ico from the PNG)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = Number(process.argv[2] ?? 512);
const SS = 4; // supersamples per axis, for anti-aliased edges
const here = dirname(fileURLToPath(import.meta.url));

// ---- PNG encoding ------------------------------------------------------------------------------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the drawing, in a 0..1 coordinate space ---------------------------------------------------
const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const GREEN = hex('#22c55e');
const RED = hex('#ef4444');
const LINE = hex('#fbbf24');
const BG_TOP = hex('#1e293b');
const BG_BOTTOM = hex('#0b1120');
const GRID = hex('#334155');

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// candles: [centre x, body top, body bottom, wick top, wick bottom, colour]
const CANDLES = [
  [0.24, 0.6, 0.72, 0.55, 0.78, GREEN],
  [0.36, 0.52, 0.64, 0.46, 0.68, GREEN],
  [0.48, 0.55, 0.62, 0.5, 0.67, RED],
  [0.6, 0.38, 0.56, 0.33, 0.6, GREEN],
  [0.72, 0.26, 0.44, 0.2, 0.48, GREEN],
];
const TREND = [
  [0.18, 0.74],
  [0.36, 0.58],
  [0.48, 0.6],
  [0.6, 0.45],
  [0.82, 0.22],
];

/** Colour (rgba 0..255) of one sample point. */
function sample(x, y) {
  if (!inRoundedRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.18)) return [0, 0, 0, 0];
  const t = (y - 0.04) / 0.92;
  let c = BG_TOP.map((v, i) => v + (BG_BOTTOM[i] - v) * t);
  // faint grid
  for (const g of [0.3, 0.5, 0.7]) if (Math.abs(y - g) < 0.003 && x > 0.12 && x < 0.88) c = GRID;
  for (const [cx, bt, bb, wt, wb, col] of CANDLES) {
    if (Math.abs(x - cx) < 0.011 && y >= wt && y <= wb) c = col;
    if (inRoundedRect(x, y, cx - 0.04, bt, cx + 0.04, bb, 0.012)) c = col;
  }
  for (let i = 0; i + 1 < TREND.length; i++) {
    const [ax, ay] = TREND[i];
    const [bx, by] = TREND[i + 1];
    if (distToSegment(x, y, ax, ay, bx, by) < 0.014) c = LINE;
  }
  // arrow head at the end of the trend line
  const [hx, hy] = TREND[TREND.length - 1];
  if (distToSegment(x, y, hx, hy, hx - 0.09, hy + 0.005) < 0.014) c = LINE;
  if (distToSegment(x, y, hx, hy, hx - 0.015, hy + 0.09) < 0.014) c = LINE;
  return [c[0], c[1], c[2], 255];
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const s = sample((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        // premultiplied accumulation
        acc[0] += s[0] * s[3];
        acc[1] += s[1] * s[3];
        acc[2] += s[2] * s[3];
        acc[3] += s[3];
      }
    }
    const o = (py * SIZE + px) * 4;
    const a = acc[3];
    rgba[o] = a ? Math.round(acc[0] / a) : 0;
    rgba[o + 1] = a ? Math.round(acc[1] / a) : 0;
    rgba[o + 2] = a ? Math.round(acc[2] / a) : 0;
    rgba[o + 3] = Math.round(a / (SS * SS));
  }
}

const out = join(here, SIZE === 512 ? 'icon.png' : `icon-${SIZE}.png`);
writeFileSync(out, encodePng(SIZE, SIZE, rgba));
console.log(`wrote ${out} (${SIZE}×${SIZE})`);
