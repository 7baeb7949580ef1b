# The CMS image: dependencies built into a virtual environment in a first stage, which
# alone is copied into a slim runtime that runs as an unprivileged user.
# tests/test_compose.py checks this file with docker-compose.yml.

FROM python:3.11-slim-bookworm AS build
# Compilers for any dependency without a wheel for the platform; they stay in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
# The dependencies first, so that a change to the code alone reuses their layer.
COPY pyproject.toml README.md ./
RUN mkdir cms server schema search \
    && /opt/venv/bin/pip install . \
    && /opt/venv/bin/pip uninstall -y civic-cms
COPY cms ./cms
COPY server ./server
COPY schema ./schema
COPY search ./search
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 cms \
    && useradd --system --uid 10001 --gid cms --home-dir /app --shell /usr/sbin/nologin cms
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY seeds ./seeds
# DATA_DIR: where the embedded SQLite file and search index would live (unused on
# PostgreSQL with Meilisearch), owned by the user the app runs as.
RUN mkdir data && chown cms:cms data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production \
    DATA_DIR=/app/data
USER cms:cms
EXPOSE 8000
# `cms migrate` runs first, once: the compose file's `migrate` service.
CMD ["cms", "serve", "--host", "0.0.0.0", "--port", "8000"]
