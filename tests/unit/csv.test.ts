import { expect, it } from "vitest";
import { csvCell, toCsv } from "../../lib/client/csv";

it("quotes every text cell and never lets a cell become a formula", () => {
  expect(
    toCsv(
      [
        { day: "2026-11-14", rate: 0.0024, note: 'a "b", c' },
        { day: "2026-11-15", rate: null, note: "=HYPERLINK(1)" },
      ],
      ["day", "rate", "note"],
    ),
  ).toBe(
    'day,rate,note\r\n"2026-11-14",0.0024,"a ""b"", c"\r\n"2026-11-15",,"\'=HYPERLINK(1)"\r\n',
  );
});

it("neutralises every formula trigger OWASP lists, and the ones spreadsheets trim their way to", () => {
  const hostile = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\tplain after a tab",
    "\rplain after a CR",
    " =1+1",
    "   @cmd",
    "\u00a0=1",
    "\u3000=1",
    "\ufeff=1",
    "\uff1dcmd|' /C calc'!A0", // full-width =
    "\uff0b1",
    "\uff0d1",
    "\uff201",
    '=cmd|" /C calc"!A0',
  ];
  for (const s of hostile) {
    const cell = csvCell(s);
    expect(cell, JSON.stringify(s)).toBe(`"'${s.replaceAll('"', '""')}"`);
  }
});

it("leaves harmless text and numbers as they are, quoting text so separators stay inside", () => {
  expect(csvCell("acme")).toBe('"acme"');
  expect(csvCell("a;=1+1")).toBe('"a;=1+1"');
  expect(csvCell("a,=1+1")).toBe('"a,=1+1"');
  expect(csvCell("1-2")).toBe('"1-2"');
  expect(csvCell(-3)).toBe("-3");
  expect(csvCell(0.5)).toBe("0.5");
  expect(csvCell(null)).toBe("");
  expect(csvCell(undefined)).toBe("");
});
