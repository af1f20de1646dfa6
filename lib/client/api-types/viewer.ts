// Who is looking at a page and whether they may act, as the server tells the client.
export type ViewerInfo = {
  name: string | null;
  role: "viewer" | "operator" | null;
  method: "token" | "proxy" | "anonymous" | null;
  canWrite: boolean;
  /** why not, in words, when canWrite is false */
  reason: string | null;
  readOnly: boolean;
  /**
   * What release and fail do in the store's layout (lib/contract/presets.ts, the contract's
   * included); `available: false` with the reason where the layout has no safe one.
   */
  layoutActions: Record<"release" | "fail", { available: boolean; text: string }>;
};
