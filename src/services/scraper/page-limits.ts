/**
 * How complex a page may be before we refuse to parse it, and the error the pre-scans
 * raise. cheerio (parse5) is super-linear in nesting depth (40k nested <div> took ~10 s),
 * and the normalizer does work per list item (one cheerio parse per tagged skill), so both
 * are bounded by cheap linear scans before any real parsing starts.
 *
 * Measured on a 2-core machine: 512 nested elements parse in ~8 ms, 100,000 flat ones in
 * ~300 ms, 5,000 tagged skills normalize in ~600 ms — all well inside the parse deadline.
 */

export const PAGE_LIMITS = {
  /** Open elements at once; Chromium's tree builder stops nesting at 512 too. */
  maxDepth: 512,
  /** Elements in one document or one description fragment. */
  maxElements: 100_000,
  /** JSON-LD: WebPage → mainEntity → JobPosting in a @graph in an array is ~8 levels. */
  maxJsonDepth: 32,
  /** JSON-LD: items in one array (skills, locations, a @graph). */
  maxJsonItems: 5_000
} as const

/** A pre-scan found more than a limit allows; parseListing turns it into PageTooComplex. */
export class TooComplex extends Error {
  override readonly name = 'TooComplex'
}
