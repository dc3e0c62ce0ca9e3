// qr-media.mjs: pictures of a QR code for the scanner tests, made without any image tool:
// read kapka's QR PNG (1-bit or 8-bit greyscale, as src/doc/qr.c writes it), and write a
// Y4M video (raw YUV 4:2:0 frames) that Chromium plays as a fake camera
// (--use-file-for-fake-video-capture).
import { inflateSync } from 'node:zlib';

// {width, height, gray: Uint8Array (0 black … 255 white)} from a greyscale PNG.
export function decodeGrayPng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8, width = 0, height = 0, depth = 0, colour = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      colour = data[9];
      if (colour !== 0 || data[12] !== 0) throw new Error('only non-interlaced greyscale PNGs');
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = Math.ceil((width * depth) / 8);
  const bpp = Math.max(1, depth / 8);
  const rows = new Uint8Array(stride * height);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[i] = v & 0xff;
    }
    prev = out;
  }
  const gray = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (depth === 8) gray[y * width + x] = rows[y * stride + x];
      else {
        const bit = (rows[y * stride + ((x * depth) >> 3)] >> (8 - depth - ((x * depth) & 7))) & ((1 << depth) - 1);
        gray[y * width + x] = Math.round((bit * 255) / ((1 << depth) - 1));
      }
    }
  }
  return { width, height, gray };
}

// A Y4M video of `frames` identical frames: the picture scaled by nearest neighbour to fit
// `side` pixels, centred on a light grey background of width × height.
export function y4mOf(img, { width = 640, height = 480, side = 440, frames = 5, fps = 10 } = {}) {
  const Y = new Uint8Array(width * height).fill(200);
  const scale = side / Math.max(img.width, img.height);
  const w = Math.round(img.width * scale), h = Math.round(img.height * scale);
  const ox = (width - w) >> 1, oy = (height - h) >> 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.floor(x / scale)), sy = Math.min(img.height - 1, Math.floor(y / scale));
      Y[(oy + y) * width + ox + x] = img.gray[sy * img.width + sx] < 128 ? 16 : 235;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'latin1'), Buffer.from(Y), chroma]);
  return Buffer.concat([header, ...Array(frames).fill(frame)]);
}
