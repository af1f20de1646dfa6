// Adding an annotation (a deploy, a config change): the operator role is checked here, in the
// data layer, whatever route or script called it.
import "server-only";
import type { Annotation } from "../client/api-types/annotations";
import { assertOperator } from "../auth/authorize";
import type { Identity } from "../auth/identity";
import type { WriteContext } from "../contract/context";
import { DomainError } from "../core/errors";

export type AnnotationInput = {
  text: string;
  /** default: now */
  at?: Date;
  endpoint?: string;
  version?: string;
};

/** How far in the future an annotation may be placed (clock skew of a CI runner). */
const MAX_AHEAD_MS = 5 * 60_000;

export async function addAnnotation(
  ctx: WriteContext,
  actor: Identity | null,
  input: AnnotationInput,
): Promise<Annotation> {
  assertOperator(actor, ctx.config.auth);
  if (input.at && input.at.getTime() > Date.now() + MAX_AHEAD_MS)
    throw new DomainError(
      "invalid_input",
      "invalid_request",
      "at is in the future: an annotation marks something that happened.",
    );
  const r = await ctx.db.query<Omit<Annotation, "at"> & { at: Date }>(
    `INSERT INTO ${ctx.tables.ownTable("annotations")} (at, text, endpoint, version, actor)
     VALUES (coalesce($1, now()), $2, $3, $4, $5)
     RETURNING id::text AS id, at, text, endpoint, version, actor`,
    [input.at ?? null, input.text, input.endpoint ?? null, input.version ?? null, actor.name],
  );
  const row = r.rows[0]!;
  return { ...row, at: row.at.toISOString() };
}
