// Opaque keyset-pagination cursors: base64url JSON, validated on the way back in.
import { z } from "zod";
import { DomainError } from "./errors";

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new DomainError(
      "invalid_input",
      "invalid_request",
      "cursor: not a cursor this API returned",
    );
  }
}

/** A (timestamp, id) keyset position; the time keeps microseconds (a JS Date would round them). */
export function timeIdCursor<K extends string>(timeField: K) {
  return z.object({
    [timeField]: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    // a library's key ids are hashes of its own: negative as often as not
    id: z.string().regex(/^-?\d{1,19}$/),
  } as Record<K | "id", z.ZodString>);
}
