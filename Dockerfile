FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
# gunicorn's workers keep their /metrics counts here, and a scrape adds them up.
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/followup-metrics
WORKDIR /srv/followup

COPY pyproject.toml README.md LICENSE ./
COPY plugin ./plugin
COPY webhooks ./webhooks
COPY templates ./templates
RUN pip install --no-cache-dir . && useradd --system --home /data followup \
    && mkdir -p /data "$PROMETHEUS_MULTIPROC_DIR" \
    && chown followup /data "$PROMETHEUS_MULTIPROC_DIR"

USER followup
EXPOSE 8000
# Threaded workers: see plugin/gunicorn_conf.py for why.
CMD ["gunicorn", "-c", "python:plugin.gunicorn_conf", "plugin.wsgi:app"]
