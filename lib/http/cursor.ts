// Opaque keyset-pagination cursors: base64url JSON, validated on the way back in.
import { z } from "zod";
import { ApiError } from "./errors";

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new ApiError(400, "invalid_request", "cursor: not a cursor this API returned");
  }
}
