/** Query-string parsing for the API's routes; bad values are errors, never silently ignored. */
import type { ListingSearchOptions } from '../../shared/listing-search'
import { InvalidSearch } from '../listings/listing-search'
import { ApiError } from './api-error'

export interface SearchParams {
  query: string
  options: ListingSearchOptions
}

export function parseSearchParams(params: URLSearchParams): SearchParams {
  const options: ListingSearchOptions = {}
  const skills = params.getAll('skill').filter((s) => s !== '')
  if (skills.length > 0) options.skills = skills
  const company = params.get('company')
  if (company !== null && company !== '') options.company = company
  const location = params.get('location')
  if (location !== null && location !== '') options.location = location
  const page = positiveInt(params, 'page')
  if (page !== undefined) options.page = page
  const pageSize = positiveInt(params, 'pageSize')
  if (pageSize !== undefined) options.pageSize = pageSize
  return { query: params.get('q') ?? '', options }
}

/** `?refresh=1` / `true` forces a re-scrape; absent, `0` or `false` does not. */
export function parseRefresh(params: URLSearchParams): boolean {
  const raw = params.get('refresh')
  if (raw === null || raw === '' || raw === '0' || raw === 'false') return false
  if (raw === '1' || raw === 'true') return true
  throw new ApiError('InvalidParameter', `refresh must be 1, true, 0 or false, got "${raw}"`)
}

/** `?source=NAME` looks the id up on that source; absent or empty, the default source. The name itself is checked by the lookup. */
export function parseSource(params: URLSearchParams): string | undefined {
  const raw = params.get('source')
  return raw === null || raw === '' ? undefined : raw
}

function positiveInt(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1)
    throw new InvalidSearch(`${name} must be a positive integer, got "${raw}"`)
  return Number(raw)
}
