/**
 * REST client of the API service's /sources routes, for the panel, the CLI and tests. Every
 * failure is an ApiClientError (api-client.ts) whose `kind` is the API's own (InvalidSource,
 * SourceNotFound, SourceNameTaken, SourceConflict), or SourcesUnavailable when there was no
 * usable answer.
 */
import { z } from 'zod'
import { HostListResponseSchema, SourceDetailSchema, SourceListResponseSchema } from '../../shared/source'
import type {
  HostListResponse,
  SourceDetail,
  SourceEdit,
  SourceListResponse,
  SourceSpecInput
} from '../../shared/source'
import { ApiClient } from './api-client'
import type { ApiClientOptions, ApiRoutesErrors } from './api-client'

const SOURCE_ROUTES_ERRORS: ApiRoutesErrors = {
  unavailable: 'SourcesUnavailable',
  invalid: 'InvalidSource',
  notFound: null,
  unreachableHint: 'Is the stack up? Sources are kept by the api service.',
  noRoutesHint: 'This API has no /sources routes; rebuild the stack images.'
}

const DeletedSchema = z.object({ deleted: z.boolean() })

export class SourceClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    super(options, SOURCE_ROUTES_ERRORS)
  }

  list(): Promise<SourceListResponse> {
    return this.json('GET', '/sources', SourceListResponseSchema)
  }

  get(name: string): Promise<SourceDetail> {
    return this.json('GET', `/sources/${encodeURIComponent(name)}`, SourceDetailSchema)
  }

  add(spec: SourceSpecInput): Promise<SourceDetail> {
    return this.json('POST', '/sources', SourceDetailSchema, spec)
  }

  edit(name: string, edit: SourceEdit): Promise<SourceDetail> {
    return this.json('PATCH', `/sources/${encodeURIComponent(name)}`, SourceDetailSchema, edit)
  }

  setPaused(name: string, paused: boolean): Promise<SourceDetail> {
    return this.json('POST', `/sources/${encodeURIComponent(name)}/${paused ? 'pause' : 'resume'}`, SourceDetailSchema)
  }

  /** One source's hosts, or (no name) every host the fleet fetches from. */
  hosts(name?: string): Promise<HostListResponse> {
    return this.json(
      'GET',
      name === undefined ? '/hosts' : `/sources/${encodeURIComponent(name)}/hosts`,
      HostListResponseSchema
    )
  }

  remove(name: string): Promise<{ deleted: boolean }> {
    return this.json('DELETE', `/sources/${encodeURIComponent(name)}`, DeletedSchema)
  }
}
