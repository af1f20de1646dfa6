// Who is looking at a page and whether they may act, as the server tells the client.
export type ViewerInfo = {
  name: string | null;
  role: "viewer" | "operator" | null;
  method: "token" | "proxy" | "anonymous" | null;
  canWrite: boolean;
  /** why not, in words, when canWrite is false */
  reason: string | null;
  readOnly: boolean;
};
