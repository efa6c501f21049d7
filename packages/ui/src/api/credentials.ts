/**
 * Sign-in for servers with auth on: the Authorization header every API call carries, kept in
 * sessionStorage (gone when the tab closes). A password becomes HTTP Basic, a token Bearer.
 */
const KEY = "edgeflow.auth";

export function authHeader(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(credentials: { username: string; password: string } | { token: string }): void {
  const header =
    "token" in credentials
      ? `Bearer ${credentials.token}`
      : `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  sessionStorage.setItem(KEY, header);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
