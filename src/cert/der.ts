/**
 * The few DER encodings a self-signed X.509 certificate needs (ITU-T X.690 §8 and §10, the
 * Distinguished Encoding Rules): definite lengths in the fewest bytes, INTEGERs in two's
 * complement without redundant leading bytes, OBJECT IDENTIFIERs in base 128. Encoding only: the
 * certificates made with it are read back by node:crypto's X509Certificate (OpenSSL).
 */

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A tag, its length and its contents. */
export function tlv(tag: number, contents: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(contents.length), contents]);
}

export const sequence = (...items: Uint8Array[]): Buffer => tlv(TAG.sequence, Buffer.concat(items));
export const set = (...items: Uint8Array[]): Buffer => tlv(TAG.set, Buffer.concat(items));
export const octetString = (bytes: Uint8Array): Buffer => tlv(TAG.octetString, bytes);
export const utf8String = (text: string): Buffer => tlv(TAG.utf8String, Buffer.from(text, "utf8"));
export const nullValue = (): Buffer => tlv(TAG.null, Buffer.alloc(0));
export const boolean = (value: boolean): Buffer => tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));

/** [n] EXPLICIT: a context-specific constructed tag around one encoded value. */
export const explicit = (n: number, value: Uint8Array): Buffer => tlv(0xa0 | n, value);

/** [n] IMPLICIT of a primitive value (GeneralName's dNSName, iPAddress). */
export const implicitPrimitive = (n: number, contents: Uint8Array): Buffer => tlv(0x80 | n, contents);

/** A non-negative INTEGER from its big-endian magnitude. */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  // A set high bit would read as negative: one zero byte in front keeps it positive.
  const needsZero = trimmed.length === 0 || (trimmed[0] ?? 0) >= 0x80;
  return tlv(TAG.integer, needsZero ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number): Buffer => unsignedInteger(Buffer.from([n]));

/** A BIT STRING of whole bytes (a signature, a public key). */
export const bitString = (bytes: Uint8Array): Buffer => tlv(TAG.bitString, Buffer.concat([Buffer.from([0]), bytes]));

/**
 * A named BIT STRING (KeyUsage) from the numbers of its set bits, bit 0 first (the high bit of the
 * first byte); trailing zero bits are left out, as DER wants (X.690 §11.2.2).
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] ?? 0) | (0x80 >> bit % 8);
  const unused = 7 - (highest % 8);
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unused]), bytes]));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const groups: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v % 128) | 0x80);
    out.push(...groups);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

/**
 * A certificate's Time: UTCTime for 1950 through 2049, GeneralizedTime otherwise (RFC 5280
 * §4.1.2.5), in UTC to the second.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(TAG.utcTime, Buffer.from(digits.slice(2), "ascii")) : tlv(TAG.generalizedTime, Buffer.from(digits, "ascii"));
}
