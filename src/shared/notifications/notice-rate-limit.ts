/**
 * At most `max` notices of one kind per minute: a flapping container or a stack coming down
 * must not bury the desktop. What is held back is counted and said with the next notice of
 * that kind that goes out ("and 4 more").
 */
const RATE_WINDOW_MS = 60_000

export class NoticeRateLimit {
  private readonly shown = new Map<string, number[]>()
  private readonly held = new Map<string, number>()

  /** Whether a notice of `kind` may go out now; when it may, how many were held back before it. */
  admit(kind: string, now: number, max: number): { show: boolean; heldBack: number } {
    const recent = (this.shown.get(kind) ?? []).filter((at) => now - at < RATE_WINDOW_MS)
    if (recent.length >= max) {
      this.shown.set(kind, recent)
      this.held.set(kind, (this.held.get(kind) ?? 0) + 1)
      return { show: false, heldBack: 0 }
    }
    recent.push(now)
    this.shown.set(kind, recent)
    const heldBack = this.held.get(kind) ?? 0
    this.held.delete(kind)
    return { show: true, heldBack }
  }
}
