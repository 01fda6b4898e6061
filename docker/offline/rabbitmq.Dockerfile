# RabbitMQ from Debian's package, management plugin on: a stand-in for rabbitmq:3-management
# on machines with no image registry. Runs as the package's `rabbitmq` user, with the user and
# password of RABBITMQ_DEFAULT_USER / RABBITMQ_DEFAULT_PASS (as the official image reads them).
ARG BASE_IMAGE=scrapedeck/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
COPY rabbitmq.conf /etc/rabbitmq/rabbitmq.conf
COPY rabbitmq-entrypoint.sh /usr/local/bin/rabbitmq-entrypoint.sh
# Logs to stdout for `docker logs`; HOME holds the Erlang cookie the CLI tools share.
ENV RABBITMQ_LOGS=- HOME=/var/lib/rabbitmq
WORKDIR /var/lib/rabbitmq
USER rabbitmq
EXPOSE 5672 15672
CMD ["/usr/local/bin/rabbitmq-entrypoint.sh"]
