import { z } from 'zod'

/** A listing id as the scraper accepts it: it is put into a URL path, so it must not carry `/`, `?`, `%`… */
export const LISTING_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

export const ListingIdSchema = z
  .string()
  .regex(LISTING_ID_PATTERN, 'A listing id is 1–64 characters of letters, digits, ".", "_" or "-"')
  .refine((id) => id !== '.' && id !== '..', 'A listing id cannot be "." or ".."')

const SalarySchema = z.object({
  min: z.number().nullable(),
  max: z.number().nullable(),
  currency: z.string().nullable(),
  unit: z.string().nullable()
})

const ExtractedFromSchema = z.enum(['json-ld', 'microdata', 'html'])

/**
 * What the scraper returns for one listing. `ID` and `JSON` are the two fields Nameko callers
 * read (the id asked for, and the JobPosting object as found on the page); the rest is
 * normalized so the UI and the search index need not understand every board's shape.
 */
export const ListingSchema = z.object({
  ID: z.string(),
  JSON: z.record(z.string(), z.unknown()),
  title: z.string(),
  company: z.string().nullable(),
  location: z.string().nullable(),
  employmentType: z.array(z.string()),
  datePosted: z.string().nullable(),
  validThrough: z.string().nullable(),
  salary: SalarySchema.nullable(),
  skills: z.array(z.string()),
  description: z.string(),
  url: z.string(),
  scrapedAt: z.string(),
  extractedFrom: ExtractedFromSchema,
  /** The source (shared/source.ts) it was scraped from; absent on listings cached before sources were named (the default source's). */
  source: z.string().optional()
})

export type Salary = z.infer<typeof SalarySchema>
export type ExtractedFrom = z.infer<typeof ExtractedFromSchema>
export type Listing = z.infer<typeof ListingSchema>

export function isValidListingId(id: string): boolean {
  return ListingIdSchema.safeParse(id).success
}
