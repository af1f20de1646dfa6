"use client";

import { toCsv } from "@/lib/client/csv";

/** Downloads a chart's data as CSV, built in the browser from what the chart shows. */
export function CsvButton<T extends Record<string, unknown>>({
  rows,
  columns,
  filename,
}: {
  rows: T[];
  columns: (keyof T & string)[];
  filename: string;
}) {
  return (
    <button
      type="button"
      className="no-print"
      onClick={() => {
        const url = URL.createObjectURL(new Blob([toCsv(rows, columns)], { type: "text/csv" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}
    >
      Download CSV
    </button>
  );
}
