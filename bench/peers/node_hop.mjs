/**
 * The least a Node service between the client and Elasticsearch can do, for
 * bench/lookup.bench.ts: GET /joblisting/:id → GET /<index>/_source/<id> over a keep-alive
 * agent, the bytes passed through unread (no validation, no JSON, no log). What it reaches
 * bounds any API in that place on this machine.
 *     PORT=… ELASTICSEARCH_URL=… ELASTICSEARCH_INDEX=… node node_hop.mjs
 */
import { Agent, createServer, request } from 'node:http'

const es = new URL(process.env.ELASTICSEARCH_URL)
const index = process.env.ELASTICSEARCH_INDEX
const agent = new Agent({ keepAlive: true, maxSockets: 256 })

createServer((req, res) => {
  const id = req.url.slice('/joblisting/'.length)
  const upstream = request({ host: es.hostname, port: es.port, path: `/${index}/_source/${id}`, agent }, (answer) => {
    res.writeHead(answer.statusCode, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': answer.headers['content-length']
    })
    answer.pipe(res)
  })
  upstream.once('error', () => res.writeHead(502).end())
  upstream.end()
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'))
