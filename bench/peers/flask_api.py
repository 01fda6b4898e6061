"""
The original design's REST API, for bench/lookup.bench.ts: Flask + flask-restful, one
resource that answers GET /joblisting/<id> from Elasticsearch when the listing is cached
(exists + get) and otherwise asks the Nameko scraper service and indexes its answer.

As written (the design's own way to run it, app.run, threaded):  python flask_api.py
Tuned:  gunicorn -w 2 -k gthread --threads 8 -b 127.0.0.1:PORT flask_api:app
Env: PORT, ELASTICSEARCH_URL, ELASTICSEARCH_INDEX, AMQP_URI, SCRAPER_SERVICE_NAME.
"""
import os

from elasticsearch import Elasticsearch
from flask import Flask
from flask_restful import Api, Resource
from nameko.standalone.rpc import ClusterRpcProxy

ES = Elasticsearch(os.environ["ELASTICSEARCH_URL"])
INDEX = os.environ["ELASTICSEARCH_INDEX"]
CONFIG = {"AMQP_URI": os.environ["AMQP_URI"]}
SCRAPER = os.environ["SCRAPER_SERVICE_NAME"]

app = Flask(__name__)
api = Api(app)


class JobListing(Resource):
    def get(self, job_listing_id):
        if ES.exists(index=INDEX, id=job_listing_id):
            return ES.get(index=INDEX, id=job_listing_id)["_source"]
        with ClusterRpcProxy(CONFIG) as rpc:
            listing = getattr(rpc, SCRAPER).get_job_listing_info(job_listing_id)
        ES.index(index=INDEX, id=job_listing_id, document=listing)
        return listing


api.add_resource(JobListing, "/joblisting/<string:job_listing_id>")

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
