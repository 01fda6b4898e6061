/**
 * The source form's values → a sourceAdd or sourceEdit request, checked against the source
 * contract before it is sent, so each field's problem is shown beside it in the contract's
 * own words (a URL pattern that is not http(s), a template without {id}, a limit of 0…).
 */
import { SourceEditSchema, SourceSpecSchema } from '../../../shared/source'
import type { OnBlocked, Source, SourceEdit, SourceSpecInput } from '../../../shared/source'

export interface SourceFormValues {
  name: string
  listingUrlTemplate: string
  /** One URL a line. */
  sitemapUrls: string
  maxInFlight: string
  minGapMs: string
  respectRobots: boolean
  autoThrottle: boolean
  onBlocked: OnBlocked
}

export type SourceFormField = keyof SourceFormValues

export type SourceFormResult<T> =
  { ok: true; request: T } | { ok: false; problems: Partial<Record<SourceFormField, string>> }

export const EMPTY_SOURCE_FORM: SourceFormValues = {
  name: '',
  listingUrlTemplate: '',
  sitemapUrls: '',
  maxInFlight: '2',
  minGapMs: '1000',
  respectRobots: true,
  autoThrottle: false,
  onBlocked: 'wait'
}

export function formOfSource(source: Source): SourceFormValues {
  return {
    name: source.name,
    listingUrlTemplate: source.listingUrlTemplate ?? '',
    sitemapUrls: source.sitemapUrls.join('\n'),
    maxInFlight: String(source.politeness.maxInFlight),
    minGapMs: String(source.politeness.minGapMs),
    respectRobots: source.politeness.respectRobots,
    autoThrottle: source.politeness.autoThrottle,
    onBlocked: source.politeness.onBlocked
  }
}

export function addRequest(values: SourceFormValues): SourceFormResult<SourceSpecInput> {
  const request = { name: values.name.trim(), ...fields(values) }
  const parsed = SourceSpecSchema.safeParse(request)
  return parsed.success ? { ok: true, request } : { ok: false, problems: problemsOf(parsed.error.issues) }
}

export function editRequest(values: SourceFormValues): SourceFormResult<{ name: string; edit: SourceEdit }> {
  const edit = fields(values)
  // The whole source as it would be, so "neither a template nor a sitemap" is caught too.
  const whole = SourceSpecSchema.safeParse({ name: values.name, ...edit })
  if (!whole.success) return { ok: false, problems: problemsOf(whole.error.issues) }
  const parsed = SourceEditSchema.safeParse(edit)
  return parsed.success
    ? { ok: true, request: { name: values.name, edit: parsed.data } }
    : { ok: false, problems: problemsOf(parsed.error.issues) }
}

function fields(
  values: SourceFormValues
): Omit<SourceSpecInput, 'name'> & { politeness: NonNullable<SourceEdit['politeness']> } {
  const template = values.listingUrlTemplate.trim()
  return {
    listingUrlTemplate: template === '' ? null : template,
    sitemapUrls: values.sitemapUrls
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    politeness: {
      maxInFlight: wholeNumber(values.maxInFlight),
      minGapMs: wholeNumber(values.minGapMs),
      respectRobots: values.respectRobots,
      autoThrottle: values.autoThrottle,
      onBlocked: values.onBlocked
    }
  }
}

/** A number field as typed: not a whole number stays NaN, which the schema refuses with its message. */
function wholeNumber(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN
}

const FIELD_OF_PATH: Record<string, SourceFormField> = {
  name: 'name',
  listingUrlTemplate: 'listingUrlTemplate',
  sitemapUrls: 'sitemapUrls',
  maxInFlight: 'maxInFlight',
  minGapMs: 'minGapMs',
  respectRobots: 'respectRobots',
  autoThrottle: 'autoThrottle',
  onBlocked: 'onBlocked'
}

function problemsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]
): Partial<Record<SourceFormField, string>> {
  const problems: Partial<Record<SourceFormField, string>> = {}
  for (const issue of issues) {
    const key = issue.path.map(String).find((part) => FIELD_OF_PATH[part] !== undefined)
    // A problem of the whole source ("needs a template or a sitemap") is shown at the template.
    const field = key === undefined ? 'listingUrlTemplate' : FIELD_OF_PATH[key]!
    const message =
      issue.code === 'invalid_type' && (field === 'maxInFlight' || field === 'minGapMs')
        ? 'A whole number'
        : issue.message
    problems[field] ??= message
  }
  return problems
}
