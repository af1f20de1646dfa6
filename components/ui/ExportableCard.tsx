import type { ReactNode } from "react";
import { CsvButton } from "./CsvButton";

/** A titled card whose data can be downloaded as CSV (the Trends page's charts and table). */
export function ExportableCard<T extends Record<string, unknown>>({
  title,
  csv,
  children,
}: {
  title: string;
  csv: { rows: T[]; columns: (keyof T & string)[]; filename: string };
  children: ReactNode;
}) {
  return (
    <section className="card print-block">
      <div className="card-header">
        <h2>{title}</h2>
        <CsvButton rows={csv.rows} columns={csv.columns} filename={csv.filename} />
      </div>
      {children}
    </section>
  );
}
