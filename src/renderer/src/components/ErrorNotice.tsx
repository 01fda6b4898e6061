import type { ReactElement } from 'react'
import type { PanelError, PanelErrorKind } from '../../../shared/contract'

/** A heading in plain words for the kinds a person meets most; the message says the rest. */
const TITLES: Partial<Record<PanelErrorKind, string>> = {
  EngineUnavailable: 'Docker is not running',
  BrokerUnavailable: 'The message broker is down',
  ManagementUnavailable: 'The broker’s management API does not answer',
  SearchUnavailable: 'Elasticsearch does not answer',
  ListingNotFound: 'No such listing',
  NotAJobListing: 'That page is not a job listing',
  InvalidListingId: 'That is not a listing id',
  SourceUnavailable: 'The job board does not answer',
  SourceTimeout: 'The job board took too long',
  RpcTimeout: 'No scraper answered in time',
  RpcUnknownService: 'No scraper is running',
  RpcNoConsumer: 'No scraper is running',
  ImageUnavailable: 'A container image is missing',
  ContainerFailed: 'A container failed',
  DependencyTimeout: 'A dependency did not become healthy',
  ComposeFileInvalid: 'compose.yaml has an error',
  ComposeFileNotFound: 'compose.yaml was not found',
  HostAccessNotAllowed: 'compose.yaml reaches the host',
  InvalidRequest: 'The request was refused',
  PanelDisconnected: 'Lost the connection to the panel',
  PortInUse: 'A port the stack needs is taken',
  PageTooComplex: 'That page is too complex to parse safely',
  UnreadablePosting: 'The posting on that page cannot be read',
  InvalidCrawl: 'The crawl was refused',
  CrawlConflict: 'The crawl cannot do that now',
  CrawlNotFound: 'No such crawl',
  CrawlerUnavailable: 'The crawl coordinator does not answer',
  Internal: 'Something went wrong'
}

export function errorTitle(kind: PanelErrorKind): string {
  return TITLES[kind] ?? kind.replace(/([a-z])([A-Z])/g, '$1 $2')
}

export function ErrorNotice({ error, onDismiss }: { error: PanelError; onDismiss?: () => void }): ReactElement {
  return (
    <div className="error-notice" role="alert" data-kind={error.kind}>
      <div className="error-notice__text">
        <strong>{errorTitle(error.kind)}.</strong> {error.message}
        {error.hint !== null && <p className="error-notice__hint">{error.hint}</p>}
      </div>
      {onDismiss && (
        <button type="button" className="button button--quiet" onClick={onDismiss} aria-label="Dismiss this message">
          ×
        </button>
      )}
    </div>
  )
}
