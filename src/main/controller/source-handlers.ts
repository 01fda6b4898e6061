/**
 * The source operations: the api service keeps the sources (an Elasticsearch index) and
 * tells the scrapers; the panel is one of its clients, over REST (clients/source-client.ts).
 */
import type { OperationName, OperationResponse, ParsedRequest } from '../../shared/contract'
import type { SourceClient } from '../clients/source-client'

type SourceOperation = Extract<OperationName, `source${string}`>
type Handler<K extends OperationName> = (request: ParsedRequest<K>) => Promise<OperationResponse<K>>

export type SourceClientView = Pick<SourceClient, 'list' | 'get' | 'hosts' | 'add' | 'edit' | 'setPaused' | 'remove'>

export function sourceHandlers(sources: SourceClientView): { [K in SourceOperation]: Handler<K> } {
  return {
    sourceList: () => sources.list(),
    sourceGet: (r) => sources.get(r.name),
    sourceHosts: (r) => sources.hosts(r.name),
    sourceAdd: (r) => sources.add(r),
    sourceEdit: (r) => sources.edit(r.name, r.edit),
    sourceAction: (r) => sources.setPaused(r.name, r.action === 'pause'),
    sourceRemove: (r) => sources.remove(r.name)
  }
}
