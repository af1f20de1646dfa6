// The money behind each duplicate success (docs/operations.md, "Money in duplicate successes"):
// the amount and currency the collector read from the stored response, once, when the intent
// first succeeded twice — never by scanning responses on a page view.
import type { TableNames } from "../tables";

export function moneyStatements(t: TableNames): string[] {
  return [
    `ALTER TABLE ${t.ownTable("duplicate_intents")}
       ADD COLUMN amount numeric, ADD COLUMN currency text, ADD COLUMN amount_note text`,
  ];
}
