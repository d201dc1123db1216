/**
 * Text in input files: UTF-8, checked where it becomes a name (a column, a stratum), so that a
 * file in another encoding is reported instead of its names silently holding U+FFFD.
 *
 * @module
 */

import { InputError } from "./errors.ts";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const loose = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The offset in `bytes[start, end)` of the first byte that is not part of a well-formed UTF-8
 * sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 */
export function invalidUtf8At(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end;) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > end) return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += length;
  }
  return -1;
}

/**
 * `bytes[start, end)` as text, which must be UTF-8.
 * @throws {InputError} naming file, line, `what` (`column 2`) and the first bad byte
 */
export function utf8Text(
  file: string,
  line: number,
  what: string,
  bytes: Uint8Array,
  start: number,
  end: number,
): string {
  try {
    return strict.decode(bytes.subarray(start, end));
  } catch {
    const at = invalidUtf8At(bytes, start, end);
    const before = loose.decode(bytes.subarray(start, at)).slice(-20);
    throw new InputError(
      file,
      line,
      `${what} is not UTF-8 text: byte 0x${bytes[at].toString(16).toUpperCase()}${
        before === "" ? " at its start" : ` after "${before}"`
      } (save the file as UTF-8, for example with iconv -f latin1 -t utf-8)`,
    );
  }
}

/** `bytes[start, end)` as text for a message, malformed bytes shown as U+FFFD. */
export function looseText(bytes: Uint8Array, start: number, end: number): string {
  return loose.decode(bytes.subarray(start, end));
}
