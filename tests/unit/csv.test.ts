import { expect, it } from "vitest";
import { toCsv } from "../../lib/csv";

it("quotes what needs quoting and never lets a cell become a formula", () => {
  expect(
    toCsv(
      [
        { day: "2026-11-14", rate: 0.0024, note: 'a "b", c' },
        { day: "2026-11-15", rate: null, note: "=HYPERLINK(1)" },
      ],
      ["day", "rate", "note"],
    ),
  ).toBe('day,rate,note\r\n2026-11-14,0.0024,"a ""b"", c"\r\n2026-11-15,,\'=HYPERLINK(1)\r\n');
});
