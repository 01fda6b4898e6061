"""
The caller side of the original design's RPC, for bench/rpc.bench.ts: a Nameko 2.x
ClusterRpcProxy that runs timed phases when the bench asks on stdin, so its slices
interleave with the bench's other pairs.

    python nameko_rpc_driver.py AMQP_URI
    stdin:  warmup SERVICE N | seq SERVICE MS | conc SERVICE MS IN_FLIGHT | quit
    stdout: one JSON line per command: {"calls": n, "ms": elapsed, "latencies": [ms, ...]}

"conc" keeps IN_FLIGHT calls outstanding with call_async (the standalone proxy is not
thread-safe, so a window of async replies is how one proxy gets calls in flight).
"""
import collections
import json
import sys
import time

from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy


def sequential(service, ms):
    latencies = []
    start = time.perf_counter()
    deadline = start + ms / 1000.0
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        service.hello("Mike")
        latencies.append((time.perf_counter() - t0) * 1000.0)
    return {"calls": len(latencies), "ms": (time.perf_counter() - start) * 1000.0, "latencies": latencies}


def concurrent(service, ms, in_flight):
    calls = 0
    start = time.perf_counter()
    deadline = start + ms / 1000.0
    window = collections.deque(service.hello.call_async("Mike") for _ in range(in_flight))
    while window:
        window.popleft().result()
        calls += 1
        if time.perf_counter() < deadline:
            window.append(service.hello.call_async("Mike"))
    return {"calls": calls, "ms": (time.perf_counter() - start) * 1000.0, "latencies": []}


def main():
    amqp_uri = sys.argv[1]
    proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30)
    rpc = proxy.start()
    try:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == "quit":
                break
            command, service = words[0], getattr(rpc, words[1])
            if command == "warmup":
                for _ in range(int(words[2])):
                    service.hello("warmup")
                result = {"calls": int(words[2]), "ms": 0, "latencies": []}
            elif command == "seq":
                result = sequential(service, float(words[2]))
            elif command == "conc":
                result = concurrent(service, float(words[2]), int(words[3]))
            else:
                raise ValueError("unknown command " + command)
            print(json.dumps(result), flush=True)
    finally:
        # The proxy's reply queue would otherwise linger on the shared broker for minutes.
        reply_queue = proxy._reply_listener.queue.name
        proxy.stop()
        with Connection(amqp_uri) as conn:
            conn.default_channel.queue_delete(reply_queue)


if __name__ == "__main__":
    main()
