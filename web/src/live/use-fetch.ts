import { useEffect, useState } from "react";
import { ApiError } from "../../../src/client/index.js";
import { useSession } from "../auth/session.js";

export interface Fetched<T> {
  data: T | undefined;
  error: string | undefined;
}

/**
 * Runs `load` now and again whenever `deps` change (pass a `useRevision` value to follow the
 * event stream). Keeps the last good data while a refetch runs.
 */
export function useFetch<T>(load: () => Promise<T>, deps: unknown[]): Fetched<T> {
  const { signOut } = useSession();
  const [state, setState] = useState<Fetched<T>>({ data: undefined, error: undefined });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: undefined }),
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) signOut("The server refused the token.");
        setState((s) => ({
          data: s.data,
          error: err instanceof Error ? err.message : String(err),
        }));
      },
    );
    return () => {
      live = false;
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what load reads
  }, deps);
  return state;
}
