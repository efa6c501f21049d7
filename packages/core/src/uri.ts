/** Appends path segments to a URI's path, keeping its scheme (MLflow's append_to_uri_path). */
export function appendToUriPath(uri: string, ...segments: string[]): string {
  let out = uri;
  for (const segment of segments) {
    const trimmed = segment.replace(/^\/+/, "");
    if (trimmed === "") continue;
    out = out.endsWith("/") ? `${out}${trimmed}` : `${out}/${trimmed}`;
  }
  return out;
}

export function withTrailingSlash(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}
