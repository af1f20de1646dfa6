// Where each endpoint's stored response says how much money it moved (docs/operations.md,
// "Money in duplicate successes"): IDEMSCOPE_AMOUNT_PATHS, e.g.
//   POST /v1/payments=$.amount,$.currency;POST /v1/refunds=$.refund.value,$.refund.currency,decimal
// Amounts in minor units (cents) unless the entry ends with `decimal`.
import { z } from "zod";

export type AmountPath = { amount: string; currency: string; unit: "minor" | "decimal" };

// a plain member path: PostgreSQL evaluates it as jsonpath in every collector batch, so nothing
// that could fail to parse (or filter) is let through
const PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d{1,4}\])+$/;

export const amountPathsSchema = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const map = new Map<string, AmountPath>();
    for (const part of raw.split(";").map((p) => p.trim())) {
      if (!part) continue;
      const eq = part.indexOf("=");
      const [amount, currency, unit = "minor", ...rest] = part
        .slice(eq + 1)
        .split(",")
        .map((s) => s.trim());
      if (
        eq <= 0 ||
        !amount ||
        !currency ||
        rest.length ||
        !PATH.test(amount) ||
        !PATH.test(currency) ||
        (unit !== "minor" && unit !== "decimal")
      ) {
        ctx.addIssue({
          code: "custom",
          message: `"${part}" is not ENDPOINT=$.amount.path,$.currency.path[,minor|decimal]`,
        });
        return z.NEVER;
      }
      map.set(part.slice(0, eq).trim(), { amount, currency, unit });
    }
    return map;
  });
