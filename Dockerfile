# firstmile: the GitHub App webhook server.  docker build -t firstmile . && docker run -p 3000:3000 --env-file .env firstmile
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --gid 10001 firstmile && useradd --create-home --uid 10001 --gid 10001 firstmile \
    && mkdir /home/firstmile/data && chown firstmile:firstmile /home/firstmile/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY rules ./rules
# The classifier extra is numpy only: the image serves the shipped model; training needs the ml extra. The postgres
# extra (psycopg) lets DATABASE_URL=postgresql://... run several replicas on one database (docker-compose.yml).
RUN pip install '.[classifier,postgres]' && rm -rf /app/bot /app/rules

USER 10001:10001
WORKDIR /home/firstmile
VOLUME ["/home/firstmile/data"]

# Listen on all interfaces inside the container (the default 127.0.0.1 is for bare-metal safety).
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:////home/firstmile/data/firstmile.sqlite3

EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]

# SIGTERM (docker stop) drains the workers for DRAIN_SECONDS; keep docker's stop timeout above it.
STOPSIGNAL SIGTERM
CMD ["firstmile", "serve"]
