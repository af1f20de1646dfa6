// fetch for the JSON API: a non-2xx answer becomes an ApiFetchError carrying the server's message.
export class ApiFetchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiFetchError(0, "network", "The dashboard server is unreachable.");
  }
  const body = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!res.ok) {
    throw new ApiFetchError(
      res.status,
      body?.error ?? "http_error",
      body?.message ?? `HTTP ${res.status}`,
    );
  }
  return body as T;
}
