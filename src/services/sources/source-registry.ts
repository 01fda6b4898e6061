/**
 * The stack's sources as its surfaces see them (REST, and through it the panel and the CLI):
 * the store, each source's hosts as the politeness engine reports them, and a hook that tells
 * the scrapers at once when a source changed (instead of at the next periodic announcement).
 */
import type { SourceDetail, SourceEdit, HostStatus, Source } from '../../shared/source'
import type { SourceStore } from './source-store'

/** What the politeness engine knows of a source's hosts; none until it reports. */
type HostStatusProvider = (source: Source) => Promise<HostStatus[]> | HostStatus[]

export interface SourceRegistryOptions {
  store: SourceStore
  hosts?: HostStatusProvider
  /** Called after every change (the coordinator announces the new set to the scrapers). */
  onChange?: () => Promise<void>
}

export class SourceRegistry {
  constructor(private readonly options: SourceRegistryOptions) {}

  get store(): SourceStore {
    return this.options.store
  }

  async list(): Promise<SourceDetail[]> {
    const sources = await this.options.store.list()
    return Promise.all(sources.map((source) => this.detailOf(source)))
  }

  async detail(name: string): Promise<SourceDetail> {
    return this.detailOf(await this.options.store.get(name))
  }

  async create(input: unknown): Promise<SourceDetail> {
    return this.changed(await this.options.store.create(input))
  }

  async edit(name: string, edit: SourceEdit): Promise<SourceDetail> {
    return this.changed(await this.options.store.edit(name, edit))
  }

  async setPaused(name: string, paused: boolean): Promise<SourceDetail> {
    return this.changed(await this.options.store.setPaused(name, paused))
  }

  async remove(name: string): Promise<void> {
    await this.options.store.remove(name)
    await this.options.onChange?.()
  }

  private async changed(source: Source): Promise<SourceDetail> {
    await this.options.onChange?.()
    return this.detailOf(source)
  }

  private async detailOf(source: Source): Promise<SourceDetail> {
    return { ...source, hosts: this.options.hosts === undefined ? [] : await this.options.hosts(source) }
  }
}
