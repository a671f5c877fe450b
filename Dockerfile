# Verder: a slim, non-root image. Build: docker build -t verder .  Run: docker run -p 8000:8000 verder
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN groupadd --system verder && useradd --system --gid verder --home-dir /app verder

# Dependencies only: the app itself runs from /app, so its data and locales sit beside it.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY app ./app

COPY babel.cfg ./
COPY data ./data
COPY locales ./locales
# Translations are compiled at build time; the app refuses to start without them. The catalogue
# is checked too, so an image with a bad catalogue is never built.
RUN pybabel compile -D messages -d locales \
    && python -m app.catalog /app/data \
    && mkdir -p /app/var && chown -R verder:verder /app/var

USER verder
ENV DATABASE_URL=sqlite:////app/var/verder.db \
    VERDER_DATA_DIR=/app/data \
    PORT=8000 \
    WORKERS=1
EXPOSE 8000
VOLUME ["/app/var"]

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"

# Prepare the database once, then start the workers. No access log: ours has no IPs. asyncio, not
# uvloop: under saturation uvloop left some connections waiting seconds (docs/performance.md).
CMD ["sh", "-c", "python -m app.db init && exec uvicorn app.main:app --host 0.0.0.0 --port \"$PORT\" --workers \"$WORKERS\" --proxy-headers --loop asyncio --no-access-log --no-server-header --log-config app/log_config.json"]
