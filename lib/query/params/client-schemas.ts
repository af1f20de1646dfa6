// Validation of the Clients routes: hourly and daily rollups serve 24h … 90d only.
import { z } from "zod";
import { CLIENT_RANGES, CLIENT_SORTS } from "../../client/api-types/clients";
import { clientString } from "./key-search-schemas";

const clientRange = z
  .enum(CLIENT_RANGES, {
    error: "clients are counted per hour and day: range must be 24h, 7d, 30d or 90d",
  })
  .default("24h");

export const clientListQuery = z.strictObject({
  range: clientRange,
  sort: z
    .enum(CLIENT_SORTS, { error: `sort must be one of ${CLIENT_SORTS.join(", ")}` })
    .default("requests"),
  dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).default("desc"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional(),
});

export const clientDetailQuery = z.strictObject({ range: clientRange });

/** The {scope} path segment, already URL-decoded by Next.js. */
export const scopeParam = clientString("client");
