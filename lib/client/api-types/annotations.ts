// /api/v1/annotations (docs/api.md): deploys and other changes, and how the store behaved around them.

export type Annotation = {
  id: string;
  at: string;
  text: string;
  /** the endpoint the change concerns; null: the whole service */
  endpoint: string | null;
  version: string | null;
  /** who sent it (the operator or token name) */
  actor: string;
};

export type AnnotationList = { items: Annotation[] };

/** The numbers compared over two equal windows around an annotation. */
export type WindowNumbers = {
  requests: number;
  /** duplicate successes / first successes in the window; null without successes */
  duplicateSuccessRate: number | null;
  /** replayed / requests; null without requests */
  replayRatio: number | null;
  conflicts: number;
  /** conflicts / requests; null without requests */
  conflictRate: number | null;
  /** p95 of the work's time (completed and failed requests), ms */
  workLatencyP95Ms: number | null;
};

export type AnnotationComparison = {
  annotation: Annotation;
  windowSeconds: number;
  /** the window after the annotation that has happened yet (less than windowSeconds if recent) */
  afterSeconds: number;
  resolution: "minute" | "hour";
  before: WindowNumbers;
  after: WindowNumbers;
  /** which numbers got worse after, by how much the verdict rule says (docs/operations.md) */
  worse: ("duplicateSuccessRate" | "replayRatio" | "conflictRate" | "workLatencyP95Ms")[];
};
