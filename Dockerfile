# Multi-stage build: compile a release binary, ship it on a slim image as a non-root user.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY data ./data
COPY benches ./benches
COPY tests/fixtures ./tests/fixtures
RUN cargo build --release --locked --bin newsdesk

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin newsdesk \
    && mkdir -p /data && chown newsdesk:newsdesk /data
COPY --from=build /src/target/release/newsdesk /usr/local/bin/newsdesk
USER newsdesk
WORKDIR /data
ENV NEWSDESK_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///data/newsdesk.db?mode=rwc \
    NEWSDESK_LOG_FORMAT=json \
    RUST_LOG=newsdesk=info,tower_http=info,warn
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/newsdesk"]
CMD ["serve"]
