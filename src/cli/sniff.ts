// What a file looks like from its first bytes, so that a wrong file gets a message saying what it
// seems to be (binary, UTF-16, JSON) rather than a parse error that echoes its bytes.

/** Bytes looked at: enough to see a binary header or the start of a JSON object. */
const HEAD = 1024;

/** Why `bytes` are not UTF-8 text, judged on the first KB, or null when they look like text. */
export function notText(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, HEAD);
  // Excel's "Unicode text" is UTF-16 with a byte-order mark; it is full of NUL bytes too, so look first.
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'it is UTF-16 text; save it as UTF-8';
  if (head.includes(0)) return 'it holds binary data (a NUL byte in the first KB)';
  try {
    // stream: a character cut in two at the KB boundary is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'it is not UTF-8 text (binary data, or text in another encoding)';
  }
  return null;
}

/** A JSON object, as model files are: the first character that is not a space or a BOM is '{'. */
export function looksLikeJson(text: string): boolean {
  return /^[\ufeff\s]*\{/.test(text.slice(0, HEAD));
}
