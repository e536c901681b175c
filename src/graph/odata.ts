/** Building OData query values for Graph URLs. */

/** A string literal's content for `$filter` or an alternate key: quotes doubled (graph.md §0.1), then URL-encoded. */
export function odataString(value: string): string {
  return encodeURIComponent(value.replaceAll("'", "''"));
}
