#!/usr/bin/env node
// Draws the extension icon, media/icon.png (128×128 RGBA): a rounded terracotta square with a
// white pulse line, the "doctor" reading a signal. No image tool needed: shapes are rasterised
// here with 4×4 supersampling and written as a PNG with node:zlib. Run: `node scripts/make-icon.mjs`
// (deterministic: the same bytes every time; a unit test checks the committed file matches).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const SIZE = 128;
const SS = 4; // samples per axis per pixel
const BG_TOP = [0xd9, 0x77, 0x57];
const BG_BOTTOM = [0xb8, 0x5c, 0x40];
const LINE = [0xff, 0xff, 0xff];
const RADIUS = 26;
const STROKE = 9;
/** The pulse: flat, a small bump, a tall spike down and up, flat again. */
const PULSE = [[14, 70], [40, 70], [48, 60], [56, 70], [64, 70], [72, 30], [82, 98], [90, 62], [96, 70], [114, 70]];

function insideRoundedSquare(x, y) {
  const r = RADIUS;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= 0 && y >= 0 && x <= SIZE && y <= SIZE;
}

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function onPulse(x, y) {
  for (let i = 0; i + 1 < PULSE.length; i++) if (distToSegment(x, y, PULSE[i], PULSE[i + 1]) <= STROKE / 2) return true;
  return false;
}

/** RGBA bytes, row by row. */
export function drawIcon() {
  const px = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let bg = 0;
      let line = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const fx = x + (sx + 0.5) / SS;
          const fy = y + (sy + 0.5) / SS;
          if (!insideRoundedSquare(fx, fy)) continue;
          bg++;
          if (onPulse(fx, fy)) line++;
        }
      }
      const n = SS * SS;
      const t = y / (SIZE - 1);
      const base = BG_TOP.map((c, i) => c + (BG_BOTTOM[i] - c) * t);
      const a = line / Math.max(1, bg);
      const o = (y * SIZE + x) * 4;
      for (let i = 0; i < 3; i++) px[o + i] = Math.round(base[i] * (1 - a) + LINE[i] * a);
      px[o + 3] = Math.round((bg / n) * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of `rgba`. */
export function encodePng(rgba, width = SIZE, height = SIZE) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
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

export const ICON_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const png = encodePng(drawIcon());
  writeFileSync(ICON_PATH, png);
  console.log(`wrote ${ICON_PATH} (${png.length} bytes, ${SIZE}×${SIZE})`);
}
