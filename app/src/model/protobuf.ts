/**
 * A minimal protobuf wire-format reader. Serving needs a handful of small
 * fields from the ONNX file (input/output types, class labels); decoding the
 * whole model with a generated decoder took ~50 ms of a 250 ms cold-start
 * budget for a 100-tree forest, because it materialises every tree array.
 * This reader skips what it is not asked for.
 */

export type Message = Map<number, Field[]>;

export interface Field {
  wire: 0 | 1 | 2 | 5;
  /** Varint value (wire 0), as a JS number; int64 values beyond 2^53 lose precision. */
  varint: number;
  /** The raw bytes of a length-delimited (wire 2) or fixed-width (1, 5) field. */
  bytes: Uint8Array;
}

export class ProtobufError extends Error {}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  // Fast path: keys and lengths almost always fit in 28 bits.
  let small = 0;
  for (let i = pos; i < buf.length && i < pos + 4; i++) {
    const byte = buf[i]!;
    small |= (byte & 0x7f) << (7 * (i - pos));
    if ((byte & 0x80) === 0) return [small, i + 1];
  }
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const byte = buf[i]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [Number(BigInt.asIntN(64, result)), i + 1];
    shift += 7n;
  }
  throw new ProtobufError(`truncated varint at byte ${pos}`);
}

/** Splits one message into its fields (only those in `only`, when given), without decoding nested messages. */
export function readMessage(buf: Uint8Array, only?: ReadonlySet<number>): Message {
  const fields: Message = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const number = Math.floor(key / 8);
    const wire = key & 7;
    let field: Field;
    if (wire === 0) {
      const [varint, next] = readVarint(buf, afterKey);
      field = { wire, varint, bytes: buf.subarray(afterKey, next) };
      pos = next;
    } else if (wire === 2) {
      const [length, start] = readVarint(buf, afterKey);
      if (length < 0 || start + length > buf.length) throw new ProtobufError(`field ${number} runs past the end of its message`);
      field = { wire, varint: length, bytes: buf.subarray(start, start + length) };
      pos = start + length;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (afterKey + size > buf.length) throw new ProtobufError(`field ${number} runs past the end of its message`);
      field = { wire, varint: 0, bytes: buf.subarray(afterKey, afterKey + size) };
      pos = afterKey + size;
    } else {
      throw new ProtobufError(`unsupported wire type ${wire} for field ${number}`);
    }
    if (number === 0) throw new ProtobufError("field number 0 is invalid");
    if (only && !only.has(number)) continue;
    const list = fields.get(number);
    if (list) list.push(field);
    else fields.set(number, [field]);
  }
  return fields;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

export const all = (msg: Message, field: number): Field[] => msg.get(field) ?? [];
export const first = (msg: Message, field: number): Field | undefined => msg.get(field)?.[0];
export const str = (f: Field | undefined): string | undefined => (f ? utf8.decode(f.bytes) : undefined);
export const sub = (f: Field | undefined, only?: ReadonlySet<number>): Message | undefined => (f ? readMessage(f.bytes, only) : undefined);

/** Repeated integers, packed (wire 2) or not (wire 0). */
export function ints(msg: Message, field: number): number[] {
  const out: number[] = [];
  for (const f of all(msg, field)) {
    if (f.wire === 0) {
      out.push(f.varint);
      continue;
    }
    for (let pos = 0; pos < f.bytes.length; ) {
      const [value, next] = readVarint(f.bytes, pos);
      out.push(value);
      pos = next;
    }
  }
  return out;
}
