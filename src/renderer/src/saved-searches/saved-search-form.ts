/**
 * The "save this search" form's values and the request they make: the Lookup view's words and
 * skills as they are on screen, plus the filters a saved search adds (location, salary at
 * least) and an optional webhook. Checked here as the api service will check them
 * (shared/saved-search.ts), so a problem is named beside its field before anything is sent.
 */
import { SavedSearchNameSchema, webhookUrlProblem } from '../../../shared/saved-search'
import type { SavedSearchSpecInput } from '../../../shared/saved-search'

export interface SaveSearchValues {
  name: string
  /** The search words on screen. */
  q: string
  /** The skills checked on screen. */
  skills: string[]
  location: string
  minSalary: string
  webhook: string
}

export type SaveSearchField = 'name' | 'minSalary' | 'webhook'

export type BuiltSavedSearch =
  { ok: true; request: SavedSearchSpecInput } | { ok: false; problems: Partial<Record<SaveSearchField, string>> }

export function savedSearchSpecOf(values: SaveSearchValues): BuiltSavedSearch {
  const problems: Partial<Record<SaveSearchField, string>> = {}
  const name = SavedSearchNameSchema.safeParse(values.name.trim())
  if (!name.success) problems.name = name.error.issues[0]?.message ?? 'Not a name'
  const minSalary = values.minSalary.trim()
  if (minSalary !== '' && !/^\d+(\.\d+)?$/.test(minSalary))
    problems.minSalary = `"${minSalary}" is not an amount (for example 60000)`
  const webhook = values.webhook.trim()
  const webhookProblem = webhook === '' ? null : webhookUrlProblem(webhook)
  if (webhookProblem !== null) problems.webhook = webhookProblem
  if (Object.keys(problems).length > 0 || !name.success) return { ok: false, problems }
  const location = values.location.trim()
  return {
    ok: true,
    request: {
      name: name.data,
      query: {
        q: values.q.trim(),
        ...(location === '' ? {} : { location }),
        ...(minSalary === '' ? {} : { minSalary: Number(minSalary) }),
        ...(values.skills.length === 0 ? {} : { skills: values.skills })
      },
      webhook: webhook === '' ? null : webhook
    }
  }
}
