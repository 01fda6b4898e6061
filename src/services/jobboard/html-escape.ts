/** Escaping for the two contexts the board writes text into: HTML and JSON inside <script>. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}

/**
 * JSON for a `<script type="application/ld+json">` block. The HTML parser ends a script at
 * the first `</script` whatever JSON thinks, and `<!--` can switch it into an escaped state,
 * so every `<` becomes `\u003c` (same value once parsed). U+2028/2029 are escaped too so the
 * text is also valid JavaScript if someone evals it.
 */
export function jsonForScript(value: unknown, pretty = true): string {
  return JSON.stringify(value, null, pretty ? 2 : undefined)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
