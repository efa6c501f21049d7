/** An artifact path for a URL: each segment percent-encoded, so a name with `?`, `#` or `%` stays a name. */
export const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");
