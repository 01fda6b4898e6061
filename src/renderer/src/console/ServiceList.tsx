/** The Nameko services on the bus: a row per `rpc-*` queue; choosing one puts its name in the form. */
import type { ReactElement } from 'react'
import type { RpcService } from '../../../shared/contract'
import { ErrorNotice } from '../components/ErrorNotice'
import { TableHead } from '../components/TableHead'
import type { RpcServiceList } from './use-rpc-services'

export function ServiceList({
  list,
  chosen,
  onChoose
}: {
  list: RpcServiceList
  chosen: string
  onChoose: (service: string) => void
}): ReactElement {
  const { services, error, refresh } = list
  return (
    <section className="panel console-services" aria-labelledby="console-services-heading">
      <div className="view__header">
        <h2 id="console-services-heading">Services on the bus</h2>
        <button type="button" className="button button--quiet" onClick={refresh}>
          Refresh
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {services === null && error === null && <p className="muted">Asking the broker…</p>}
      {services !== null && services.length === 0 && (
        <p className="muted">No Nameko service has a queue on this broker yet.</p>
      )}
      {services !== null && services.length > 0 && (
        <table className="services console-services__table" data-testid="rpc-services">
          <TableHead
            columns={[
              'Service',
              { label: 'Consumers', className: 'num' },
              { label: 'Ready', className: 'num' },
              { label: 'Unacked', className: 'num' }
            ]}
          />
          <tbody>
            {services.map((s) => (
              <ServiceRow key={s.queue} service={s} chosen={s.service === chosen} onChoose={onChoose} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function ServiceRow({
  service,
  chosen,
  onChoose
}: {
  service: RpcService
  chosen: boolean
  onChoose: (service: string) => void
}): ReactElement {
  return (
    <tr data-testid={`rpc-service-${service.service}`} className={chosen ? 'console-services__chosen' : undefined}>
      <th scope="row">
        <button
          type="button"
          className="link-button"
          title={`queue ${service.queue}`}
          aria-pressed={chosen}
          onClick={() => onChoose(service.service)}
        >
          {service.service}
        </button>
        {service.consumers === 0 && (
          <div className="console-services__idle">no consumer: a call waits for its timeout</div>
        )}
      </th>
      <td className="num" data-testid="rpc-service-consumers">
        {service.consumers}
      </td>
      <td className="num">{service.ready}</td>
      <td className="num">{service.unacked}</td>
    </tr>
  )
}
