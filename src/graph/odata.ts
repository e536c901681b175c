/** Building OData query values for Graph URLs. */

/**
 * A string literal's content for `$filter` or an alternate key: single quotes doubled (OData
 * ABNF Construction Rules Version 4.01, rule SQUOTE-in-string), then URL-encoded.
 */
export function odataString(value: string): string {
  return encodeURIComponent(value.replaceAll("'", "''"));
}
