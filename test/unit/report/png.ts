// Reads a PNG's pixels (8-bit RGB or RGBA, not interlaced: what Chromium writes) with node:zlib, so a
// test can tell a page with charts from a blank one.
import { inflateSync } from "node:zlib";

export interface PngImage {
  width: number;
  height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk alone. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function decodePng(bytes: Buffer): PngImage {
  const { width, height } = pngSize(bytes);
  const bitDepth = bytes[24]!;
  const colorType = bytes[25]!;
  const interlace = bytes[28]!;
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
  const channels = colorType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    const up = (x: number) => (y > 0 ? pixels[out - stride + x]! : 0);
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[out + x - channels]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[out - stride + x - channels]! : 0;
      let value = line[x]!;
      if (filter === 1) value += left;
      else if (filter === 2) value += up(x);
      else if (filter === 3) value += (left + up(x)) >> 1;
      else if (filter === 4) value += paeth(left, up(x), upLeft);
      pixels[out + x] = value & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** How much of the image is not (near-)white, and how many distinct colours it has. */
export function inkStatistics(image: PngImage): { inkFraction: number; colors: number } {
  const { pixels, channels } = image;
  const colors = new Set<number>();
  let ink = 0;
  const count = pixels.length / channels;
  for (let i = 0; i < pixels.length; i += channels) {
    const r = pixels[i]!;
    const g = pixels[i + 1]!;
    const b = pixels[i + 2]!;
    if (r < 235 || g < 235 || b < 235) ink++;
    colors.add((r << 16) | (g << 8) | b);
  }
  return { inkFraction: ink / count, colors: colors.size };
}

/** Pixels close to a colour (within `tolerance` per channel), e.g. a chart's line colour. */
export function pixelsNear(image: PngImage, hex: string, tolerance = 40): number {
  const target = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let found = 0;
  for (let i = 0; i < image.pixels.length; i += image.channels) {
    if (Math.abs(image.pixels[i]! - target[0]!) <= tolerance && Math.abs(image.pixels[i + 1]! - target[1]!) <= tolerance && Math.abs(image.pixels[i + 2]! - target[2]!) <= tolerance) found++;
  }
  return found;
}
