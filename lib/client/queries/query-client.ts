// The one QueryClient factory, used by the browser provider and by server prefetching.
import { QueryCache, QueryClient, isServer } from "@tanstack/react-query";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!isServer)
          console.warn(`query ${JSON.stringify(query.queryKey)} failed: ${error.message}`);
      },
    }),
    defaultOptions: {
      // Above 0 so that hydrated server data isn't refetched the moment it arrives.
      queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: true },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient(); // a fresh one per request on the server
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
