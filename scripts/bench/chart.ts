import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

/** A 5×7 bitmap font: upper case, digits and the few signs the chart writes. */
const GLYPHS: Record<string, string> = {
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 01010 00100 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  ',': '00000 00000 00000 00000 01100 00100 01000',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '/': '00000 00001 00010 00100 01000 10000 00000',
  '%': '11000 11001 00010 00100 01000 10011 00011',
  '(': '00010 00100 01000 01000 01000 00100 00010',
  ')': '01000 00100 00010 00010 00010 00100 01000',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '+': '00000 00100 00100 11111 00100 00100 00000',
  '=': '00000 00000 11111 00000 11111 00000 00000',
  '<': '00010 00100 01000 10000 01000 00100 00010',
  '>': '01000 00100 00010 00001 00010 00100 01000',
  _: '00000 00000 00000 00000 00000 00000 11111',
  '*': '00000 00100 10101 01110 10101 00100 00000',
  '#': '01010 01010 11111 01010 11111 01010 01010',
};

type Rgb = [number, number, number];

class Canvas {
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.pixels = Buffer.alloc(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  fill(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let row = Math.max(0, y); row < Math.min(this.height, y + h); row++) {
      for (let col = Math.max(0, x); col < Math.min(this.width, x + w); col++) {
        const at = (row * this.width + col) * 3;
        this.pixels[at] = color[0];
        this.pixels[at + 1] = color[1];
        this.pixels[at + 2] = color[2];
      }
    }
  }

  /** Writes `text` (upper-cased; unknown characters as '#') with its top-left at x, y. */
  text(x: number, y: number, text: string, scale: number, color: Rgb): number {
    let cursor = x;
    for (const char of text.toUpperCase()) {
      const rows = (GLYPHS[char] ?? GLYPHS['#']).split(' ');
      rows.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits[col] === '1') this.fill(cursor + col * scale, y + row * scale, scale, scale, color);
        }
      });
      cursor += 6 * scale;
    }
    return cursor;
  }

  png(): Buffer {
    const raw = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let row = 0; row < this.height; row++) {
      raw[row * (this.width * 3 + 1)] = 0;
      this.pixels.copy(raw, row * (this.width * 3 + 1) + 1, row * this.width * 3, (row + 1) * this.width * 3);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export interface Bar {
  label: string;
  value: number;
  /** The baseline bar is drawn grey; the others are compared with it. */
  baseline?: boolean;
  /** Drawn as a reference (e.g. the bcrypt bound), not as a measurement. */
  reference?: boolean;
  /** Written after the value instead of the share of the baseline. */
  note?: string;
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [33, 37, 41];
const MUTED: Rgb = [120, 126, 133];
const GRID: Rgb = [226, 229, 233];
const BASE: Rgb = [160, 165, 172];
const BAR: Rgb = [52, 110, 190];
const REFERENCE: Rgb = [222, 150, 60];

/** A horizontal bar chart of requests per second, each bar labelled with its value and its share of the baseline. */
export function writeBarChart(path: string, title: string, subtitle: string, bars: Bar[]): void {
  const scale = 2;
  const rowHeight = 34;
  const labelWidth = 300;
  const barLeft = labelWidth + 20;
  const barMax = 470;
  const top = 80;
  const width = barLeft + barMax + 200;
  const height = top + bars.length * rowHeight + 40;
  const canvas = new Canvas(width, height, WHITE);
  canvas.text(20, 18, title, scale, INK);
  canvas.text(20, 46, subtitle, 1, MUTED);
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const baseline = bars.find((bar) => bar.baseline)?.value;
  for (let tick = 0; tick <= 4; tick++) {
    canvas.fill(barLeft + Math.round((barMax * tick) / 4), top - 6, 1, bars.length * rowHeight + 6, GRID);
  }
  bars.forEach((bar, index) => {
    const y = top + index * rowHeight;
    canvas.text(20, y + 7, bar.label.slice(0, 24), scale, INK);
    const length = Math.max(1, Math.round((bar.value / max) * barMax));
    canvas.fill(barLeft, y + 4, length, rowHeight - 10, bar.baseline ? BASE : bar.reference ? REFERENCE : BAR);
    const share =
      bar.note !== undefined
        ? ` ${bar.note}`
        : baseline && !bar.baseline && !bar.reference
          ? ` ${Math.round((bar.value / baseline) * 100)}%`
          : '';
    canvas.text(barLeft + length + 8, y + 10, `${Math.round(bar.value)}/S${share}`, scale, INK);
  });
  canvas.text(20, height - 26, 'GREY: BARE NEST ROUTE (BASELINE)  BLUE: SERVICE  ORANGE: BCRYPT BOUND', 1, MUTED);
  writeFileSync(path, canvas.png());
}
