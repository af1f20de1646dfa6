// A preset's derivations as SQL over a row of the library's table (alias r), for the mapping
// view, the drain and the kept state alike; and the names of idemscope's own schema they write to.
import {
  DERIVED_COLUMNS,
  DERIVED_TYPES,
  derivation,
  type DerivedColumn,
  type Preset,
} from "../../contract/preset";

export type OwnNames = { own: string; ownTable: (name: string) => string };

/** `(expr)::type AS column, …` for every derived column, over the row alias r. */
export function derivedSelectList(
  preset: Preset,
  withMarker = false,
  only?: readonly (DerivedColumn | "attempt_marker")[],
): string {
  const all = withMarker ? [...DERIVED_COLUMNS, "attempt_marker" as const] : DERIVED_COLUMNS;
  const cols = only ? all.filter((c) => only.includes(c)) : all;
  return cols
    .map((c) => `(${derivation(preset, c)})::${DERIVED_TYPES[c]} AS ${c}`)
    .join(",\n       ");
}
