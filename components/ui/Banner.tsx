import type { ReactNode } from "react";

export function Banner({
  tone,
  title,
  children,
}: {
  tone: "warn" | "bad" | "info";
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className={`banner banner-${tone}`} role={tone === "info" ? "status" : "alert"}>
      <strong>{title}</strong>
      {children ? <span> {children}</span> : null}
    </div>
  );
}
