// qr-scan.js: read QR codes with the device camera or from a photo, using jsQR (from npm,
// vendored as /vendor/jsQR.js by web/vendor/update.mjs; loaded only when first needed).
//
//   const s = new QrScanner(videoElement);
//   await s.start({ onResult: (text) => …, alive: () => true });   // throws NotAllowedError…
//   s.stop();
//   const text = await decodeImageFile(file);                        // null when none found

const VENDOR = '/vendor/jsQR.js';

let jsQR = null;
async function library() {
  if (!jsQR) {
    await import(VENDOR); // a UMD bundle: without a module system it sets self.jsQR
    jsQR = globalThis.jsQR;
    if (typeof jsQR !== 'function') throw new Error('the QR reader did not load');
  }
  return jsQR;
}

// Decode the canvas; the text, or null when no QR code is found in it. inversion: also try
// light-on-dark codes (slower; for photos).
function decodeCanvas(decode, canvas, inversion = 'dontInvert') {
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const img = g.getImageData(0, 0, canvas.width, canvas.height);
  const code = decode(img.data, img.width, img.height, { inversionAttempts: inversion });
  return code?.data || null;
}

// Draw a picture (video frame or image) into the canvas at most maxSide pixels on its longer side.
function draw(canvas, source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(source, 0, 0, canvas.width, canvas.height);
}

export class QrScanner {
  constructor(video) {
    this.video = video;
    this.stream = null;
    this.timer = null;
    this.canvas = document.createElement('canvas');
  }

  // True while the camera runs (false again once a code was read or stop() was called).
  get active() {
    return !!this.stream;
  }

  async start({ onResult, alive = () => true, intervalMs = 200 }) {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) {
      const e = new Error('no camera API');
      e.name = 'NoCamera';
      throw e;
    }
    const decode = await library();
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: false, video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    const tick = () => {
      this.timer = null;
      if (!this.stream) return;
      if (!alive()) {
        this.stop();
        return;
      }
      const v = this.video;
      if (v.readyState >= 2 && v.videoWidth > 0) {
        draw(this.canvas, v, v.videoWidth, v.videoHeight, 960);
        const text = decodeCanvas(decode, this.canvas);
        if (text) {
          this.stop();
          onResult(text);
          return;
        }
      }
      this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, 0); // after start() has returned: onResult may run at once
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }
}

// The text of the QR code in an image file, or null. Tries a few sizes: phone photos are large
// and a code may be small in them.
export async function decodeImageFile(file) {
  const decode = await library();
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement('canvas');
    for (const side of [1200, 800, 1600]) {
      draw(canvas, bitmap, bitmap.width, bitmap.height, side);
      const text = decodeCanvas(decode, canvas, 'attemptBoth');
      if (text) return text;
    }
    return null;
  } finally {
    bitmap.close?.();
  }
}
