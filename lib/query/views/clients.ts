// The Clients views (the list and one client): their loaders, for page prefetch and API route.
import "server-only";
import { sourceSummary } from "../../ingest/sources/summary";
import type { z } from "zod";
import type { ClientDetail, ClientList, ClientRange } from "../../client/api-types/clients";
import type { StoreContext } from "../../contract/context";
import { DomainError } from "../../core/errors";
import { clientListQuery } from "../params/client-schemas";
import { noEventsTableMessage, storeCapabilities } from "../store/capabilities";
import { getClientDetail, listClients } from "../store/clients";
import { sharedQuery } from "../store/shared-cache";

export { clientDetailQuery, clientListQuery } from "../params/client-schemas";
export type ClientListViewQuery = z.infer<typeof clientListQuery>;

export async function loadClients(ctx: StoreContext, q: ClientListViewQuery): Promise<ClientList> {
  if (!(await storeCapabilities(ctx)).eventsTable) {
    return {
      range: q.range,
      from: null,
      asOf: null,
      sort: q.sort,
      dir: q.dir,
      totalClients: 0,
      items: [],
      nextCursor: null,
      storms: [],
      pastStorms: [],
      sparkline: { bucketSeconds: 0, buckets: [] },
      unavailable: noEventsTableMessage(ctx.tables, "requests and retries per client"),
      source: sourceSummary(ctx),
    };
  }
  const list = await sharedQuery(`clients:${JSON.stringify(q)}`, ctx.config.cacheTtlMs, () =>
    listClients(ctx, q),
  );
  return { ...list, unavailable: null, source: sourceSummary(ctx) };
}

/** One client's page; a client never seen is a domain not-found (the page's 404). */
export async function loadClientDetail(
  ctx: StoreContext,
  scope: string,
  range: ClientRange,
): Promise<ClientDetail> {
  const detail = await getClientDetail(ctx, scope, range);
  if (!detail)
    throw new DomainError(
      "not_found",
      "not_found",
      `No request from client "${scope}" is recorded.`,
    );
  return detail;
}
