// num.js: addresses and sizes as BigInt.  The API sends every address,
// size and value as a hex string because a 64-bit number does not survive
// a JSON double; the page never turns one into a Number except to compute
// a proportion for drawing.

// Hex "0x…" or decimal, as the API accepts them; null when not a number.
export function parseNum(text) {
  if (typeof text !== 'string') return null;
  const t = text.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t)) return BigInt(t);
  if (/^[0-9a-f]+$/i.test(t)) return BigInt('0x' + t);
  return null;
}

// A value from the API ("0x1000"); throws on anything else, since a
// malformed answer is a bug worth seeing.
export function big(text) {
  const v = parseNum(String(text));
  if (v === null) throw new Error(`not a number from the API: ${text}`);
  return v;
}

// 16 hex digits, the way `info mtree` prints addresses.
export function hex16(v) {
  return v.toString(16).padStart(16, '0');
}

export function hex0x(v) {
  return '0x' + v.toString(16);
}

export function hex2(byte) {
  return byte.toString(16).padStart(2, '0');
}

// 4096 → "4 KiB", 2^64 → "16 EiB": what a person reads on a tooltip.
export function humanSize(v) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let u = 0;
  let whole = v;
  while (whole >= 1024n && whole % 1024n === 0n && u < units.length - 1) {
    whole /= 1024n;
    u++;
  }
  if (whole < 1024n || u === units.length - 1) return `${whole} ${units[u]}`;
  // Not a round multiple: one decimal of the biggest unit that fits.
  let scaled = v;
  u = 0;
  while (scaled >= 1024n * 1024n && u < units.length - 2) {
    scaled /= 1024n;
    u++;
  }
  return `${(Number(scaled) / 1024).toFixed(1)} ${units[u + 1]}`;
}
