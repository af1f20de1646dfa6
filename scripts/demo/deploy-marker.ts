// The demo's live traffic starts with a deploy, as a service's would: its CI step sends the
// annotation with an operator token (docs/operations.md, "Annotations"), here through the same
// data-layer action as POST /api/v1/annotations, so that the Overview's charts show a live marker.
import type { Pool } from "pg";
import { addAnnotation } from "../../lib/act/annotate";
import type { Config } from "../../lib/core/config";
import { writeContextOf } from "../../lib/contract/context";
import type { TableNames } from "../../lib/contract/tables";

const CI = {
  name: "ci:deploy",
  role: "operator" as const,
  method: "token" as const,
  email: null,
  groups: [],
  ambient: false,
};

/** The version after the history's v141 and its rollback to v140 (backfill.ts, INCIDENTS). */
export const LIVE_VERSION = "v142";

export async function markLiveDeploy(pool: Pool, t: TableNames, cfg: Config): Promise<void> {
  await addAnnotation(writeContextOf(pool, t, cfg), CI, {
    text: `deploy payments-api ${LIVE_VERSION} (lock timeout back to 30 s, with a fencing token)`,
    version: LIVE_VERSION,
  });
}
