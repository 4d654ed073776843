/** `text` as UTF-16 with its byte-order mark, little- or big-endian (as spreadsheets save "Unicode text"). */
export function utf16(text: string, endian: "le" | "be"): Uint8Array {
  const bytes = new Uint8Array(2 + 2 * text.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, endian === "le");
  for (let i = 0; i < text.length; i++) view.setUint16(2 + 2 * i, text.charCodeAt(i), endian === "le");
  return bytes;
}
