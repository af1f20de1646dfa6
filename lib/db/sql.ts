// Named SQL parameters without offset arithmetic: a tagged template in which every interpolated
// value becomes a bind parameter and an interpolated fragment is spliced in with its own values,
// so composed statements (the stuck predicate inside the release statement) never count `$n`.
// Identifiers that are already quoted (lib/contract/tables.ts) go in through `identifier()`.

type Part = SqlFragment | SqlIdentifier | unknown;

export class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly Part[],
  ) {}
}

class SqlIdentifier {
  constructor(readonly text: string) {}
}

/** A statement or a piece of one: sql`SELECT … WHERE k.id = ${id}`. */
export function sql(strings: TemplateStringsArray, ...values: Part[]): SqlFragment {
  return new SqlFragment(strings, values);
}

/** A name that is already quoted and schema-qualified (TableNames): spliced in as text. */
export function identifier(quoted: string): SqlIdentifier {
  return new SqlIdentifier(quoted);
}

/** Text the code chose (ASC/DESC, a comparison, an alias): spliced in as is, never user input. */
export function keyword(text: string): SqlIdentifier {
  return new SqlIdentifier(text);
}

/** Fragments joined by a separator, e.g. a list of conditions. */
export function joinSql(parts: SqlFragment[], separator: string): SqlFragment {
  const strings: string[] = [""];
  const values: Part[] = [];
  parts.forEach((p, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    values.push(p);
    strings.push("");
  });
  return new SqlFragment(strings, values);
}

export type Query = { text: string; values: unknown[] };

/** The text with $1…$n and its values, ready for pg's query(). */
export function toQuery(fragment: SqlFragment): Query {
  const values: unknown[] = [];
  const render = (f: SqlFragment): string => {
    let text = f.strings[0] ?? "";
    f.values.forEach((v, i) => {
      if (v instanceof SqlFragment) text += render(v);
      else if (v instanceof SqlIdentifier) text += v.text;
      else text += `$${values.push(v)}`;
      text += f.strings[i + 1] ?? "";
    });
    return text;
  };
  return { text: render(fragment), values };
}
