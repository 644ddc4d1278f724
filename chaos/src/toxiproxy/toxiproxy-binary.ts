/**
 * Finds Shopify's toxiproxy-server binary: `$TOXIPROXY_SERVER_BIN` when set (an error if it is
 * not an executable file: a CI that points at the real server must not quietly fall back to
 * ours), else `toxiproxy-server` on `$PATH`. .ci/run sets the variable to the prebuilt 2.12.0
 * in `../shared/tools/toxiproxy/` when the checkout's parent directory has one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TOXIPROXY_SERVER_BIN_ENV = 'TOXIPROXY_SERVER_BIN';
const BINARY_NAME = 'toxiproxy-server';

export class ToxiproxyBinaryError extends Error {
  override readonly name = 'ToxiproxyBinaryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The binary's absolute path, or undefined when neither the variable nor PATH names one. */
export function findToxiproxyServerBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env[TOXIPROXY_SERVER_BIN_ENV];
  if (chosen) {
    if (!isExecutableFile(chosen)) throw new ToxiproxyBinaryError(`$${TOXIPROXY_SERVER_BIN_ENV}=${chosen}: not an executable file`);
    return path.resolve(chosen);
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, BINARY_NAME);
    if (isExecutableFile(candidate)) return path.resolve(candidate);
  }
  return undefined;
}

/** `toxiproxy-server -version` prints "toxiproxy-server version 2.12.0". */
export function toxiproxyBinaryVersion(binary: string): string {
  let out: string;
  try {
    out = execFileSync(binary, ['-version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (cause) {
    throw new ToxiproxyBinaryError(`${binary} -version failed`, { cause });
  }
  const version = /version\s+(\S+)/.exec(out)?.[1];
  if (!version) throw new ToxiproxyBinaryError(`${binary} -version printed no version: ${JSON.stringify(out.trim())}`);
  return version;
}

/**
 * Whether the binary needs no shared libraries (Go builds with CGO_ENABLED=0 do), so it can be
 * the only file of a `FROM scratch` image: an ELF file without a PT_INTERP program header.
 */
export function isStaticElf(binary: string): boolean {
  const fd = fs.openSync(binary, 'r');
  try {
    const header = Buffer.alloc(64);
    fs.readSync(fd, header, 0, 64, 0);
    // 64-bit little-endian ELF only (the images are linux/amd64 or arm64).
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return false;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, table, 0, table.length, phoff);
    const PT_INTERP = 3;
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false;
    return true;
  } finally {
    fs.closeSync(fd);
  }
}
