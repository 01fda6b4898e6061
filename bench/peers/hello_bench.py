"""
The Nameko service of bench/rpc.bench.ts: Nameko's example hello_microservice, under a name
of the bench's choosing (BENCH_SERVICE_NAME) so that a bench never shares a queue with a test.
    BENCH_SERVICE_NAME=bench_x nameko run --broker AMQP_URI hello_bench
"""
import os

from nameko.rpc import rpc


class HelloService:
    name = os.environ["BENCH_SERVICE_NAME"]

    @rpc
    def hello(self, name):
        return "Hello, {}!".format(name)
