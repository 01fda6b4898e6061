/**
 * The fallback when the management API is not there: AMQP `queue.declare passive`
 * (checkQueue) gives ready messages and consumers for queues we already know by name;
 * it cannot list queues, count unacked messages or give rates.
 */
import amqp from 'amqplib'
import type { ChannelModel } from 'amqplib'
import type { QueueMetrics } from '../../shared/contract'
import { rpcServiceOfQueue } from '../../shared/rpc-names'

export class AmqpQueueProbe {
  private model: ChannelModel | null = null

  constructor(private readonly amqpUri: string) {}

  async check(queues: string[]): Promise<QueueMetrics[]> {
    const model = await this.connection()
    const out: QueueMetrics[] = []
    for (const queue of queues) {
      // A missing queue closes the channel (404), so each check gets its own.
      const channel = await model.createChannel()
      channel.on('error', () => {})
      try {
        const ok = await channel.checkQueue(queue)
        out.push({
          queue,
          service: rpcServiceOfQueue(queue) ?? queue,
          ready: ok.messageCount,
          unacked: 0,
          consumers: ok.consumerCount,
          publishRate: null,
          deliverRate: null,
          ackRate: null,
          source: 'amqp'
        })
        await channel.close().catch(() => {})
      } catch {
        // Gone since we learned its name: leave it out.
      }
    }
    return out
  }

  async close(): Promise<void> {
    const model = this.model
    this.model = null
    await model?.close().catch(() => {})
  }

  private async connection(): Promise<ChannelModel> {
    if (this.model !== null) return this.model
    const model = await amqp.connect(this.amqpUri, {
      clientProperties: { connection_name: 'scrapedeck-panel-metrics' }
    })
    model.on('error', () => {})
    model.on('close', () => {
      if (this.model === model) this.model = null
    })
    this.model = model
    return model
  }
}
