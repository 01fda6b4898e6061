# Elasticsearch from its Maven Central integ-test zip (see shared docs elasticsearch-offline.md)
# on Debian's OpenJDK 17: a stand-in for docker.elastic.co/elasticsearch/elasticsearch on
# machines with no image registry. Same paths and uid as the official image, so compose's
# volume (/usr/share/elasticsearch/data) and healthcheck (curl) fit both.
# Security is on: the entrypoint puts ELASTIC_PASSWORD in the keystore (elasticsearch-entrypoint.sh).
# Context (assembled by build-images.sh): elasticsearch.zip, elasticsearch.yml, elasticsearch-entrypoint.sh.
ARG BASE_IMAGE=scrapedeck/debian:bookworm

FROM ${BASE_IMAGE} AS unpack
RUN apt-get update -qq && apt-get install -y -qq unzip >/dev/null && rm -rf /var/lib/apt/lists/*
COPY elasticsearch.zip /tmp/
RUN unzip -q /tmp/elasticsearch.zip -d /tmp/es && mv /tmp/es/elasticsearch-* /usr/share/elasticsearch
COPY elasticsearch.yml /usr/share/elasticsearch/config/elasticsearch.yml

FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless curl >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /opt/java \
 && useradd --uid 1000 --gid 0 --home-dir /usr/share/elasticsearch --no-create-home elasticsearch
# ES refuses to run as root and writes its keystore (config/), gc log (logs/) and data into
# its own tree, so the whole tree belongs to the runtime user.
COPY --from=unpack --chown=1000:0 /usr/share/elasticsearch /usr/share/elasticsearch
RUN mkdir -p /usr/share/elasticsearch/data /usr/share/elasticsearch/logs \
 && chown 1000:0 /usr/share/elasticsearch/data /usr/share/elasticsearch/logs
ENV ES_JAVA_HOME=/opt/java ES_JAVA_OPTS="-Xms512m -Xmx512m" PATH=/usr/share/elasticsearch/bin:$PATH
WORKDIR /usr/share/elasticsearch
USER elasticsearch
EXPOSE 9200
COPY elasticsearch-entrypoint.sh /usr/local/bin/elasticsearch-entrypoint.sh
CMD ["/usr/local/bin/elasticsearch-entrypoint.sh"]
