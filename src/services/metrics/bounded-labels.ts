/**
 * Label values a metric may take are bounded: a value outside its known set, or past a cap of
 * distinct values, is counted as "other", so a Python peer's odd error kind or a crawl of many
 * hosts cannot grow a time series per value.
 */
const OTHER_LABEL = 'other'

export class BoundedLabel {
  private readonly seen = new Set<string>()

  constructor(
    private readonly max: number,
    private readonly known: ReadonlySet<string> | null = null
  ) {}

  of(value: string): string {
    if (this.known !== null) return this.known.has(value) ? value : OTHER_LABEL
    if (this.seen.has(value)) return value
    if (this.seen.size >= this.max) return OTHER_LABEL
    this.seen.add(value)
    return value
  }
}
