// Impala keys are std::string, so its key sizes and limits are in bytes. Ours are JS strings:
// count their UTF-8 bytes without encoding them (no allocation on the write path, and no
// Buffer, which the pure libs do not use).

/** Number of bytes `s` takes in UTF-8. A lone surrogate counts 3, as TextEncoder writes U+FFFD. */
export function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4; // a surrogate pair is one code point above U+FFFF
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
