import { utf8ByteLength } from './utf8-byte-length';

const encoder = new TextEncoder();

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2], // U+00E9
    ['߿', 2], // U+07FF, last 2-byte code point
    ['ࠀ', 3], // U+0800, first 3-byte code point
    ['€', 3],
    ['😀', 4], // surrogate pair
    ['a😀b', 6],
    ['\ud800', 3], // lone high surrogate: TextEncoder writes U+FFFD
    ['\udc00x', 4], // lone low surrogate
    ['\ud800\ud800', 6], // two high surrogates are not a pair
  ])('%j is %d bytes', (s, bytes) => {
    expect(utf8ByteLength(s)).toBe(bytes);
  });

  it('agrees with TextEncoder on every BMP code unit and a sample of astral ones', () => {
    const units: string[] = [];
    for (let c = 0; c <= 0xffff; c += 7) units.push(String.fromCharCode(c));
    for (let cp = 0x10000; cp <= 0x10ffff; cp += 4099) units.push(String.fromCodePoint(cp));
    const s = units.join('');
    expect(utf8ByteLength(s)).toBe(encoder.encode(s).byteLength);
  });
});
