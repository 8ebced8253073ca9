/** Where the dashboard keeps the signed-in token (this browser only). */
const KEY = "brink.token";

/**
 * A token handed in the address (`/ui/#token=<token>`, as `brink dev` prints it): stored, then
 * removed from the address bar (and so from the history) with `history.replaceState`.
 */
export function takeTokenFromAddress(): string | undefined {
  const m = /^#token=([^&]+)/.exec(window.location.hash);
  if (!m?.[1]) return undefined;
  const token = decodeURIComponent(m[1]);
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, "", `${pathname}${search}`);
  return token;
}

export function storedToken(): string | undefined {
  try {
    return window.localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string | undefined): void {
  try {
    if (token) window.localStorage.setItem(KEY, token);
    else window.localStorage.removeItem(KEY);
  } catch {
    // storage refused (private mode): the token lives for this page only
  }
}
