"""gunicorn's settings for the shipped image: `gunicorn -c python:plugin.gunicorn_conf`.

A sync worker serves one connection at a time, from its first header to its last
body byte. Two clients that send headers and then trickle a body held both of the
old two sync workers until the 30-second worker timeout killed them: every request,
webhooks and `/healthz` included, waited. The defence has two layers:

- nginx in front (deploy/nginx.conf) reads each request whole before passing it on,
  so gunicorn only ever sees complete requests arriving at loopback speed;
- threaded workers here, so that a client reaching gunicorn some other way holds one
  thread, not a whole worker, and the other threads keep answering. The worker's
  main loop keeps beating while threads wait, so slow clients no longer get workers
  killed and restarted either.

Any setting can be changed without a new image through gunicorn's own
`GUNICORN_CMD_ARGS` (e.g. `--threads 16`); command-line flags win over this file.
"""

bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = 2
# Requests mostly wait on PostgreSQL and Redis, so threads are cheap concurrency:
# 2 x 8 requests in flight, and 16 slow clients to tie them all up without nginx.
threads = 8
# A request that runs longer than this is stuck: its worker is restarted.
timeout = 30
graceful_timeout = 30
# Kept-alive connections from nginx are reused, and dropped after 5 idle seconds.
keepalive = 5
# Bounds on what a request line and its headers may hold (gunicorn's defaults,
# written out because webhooks' signature headers must fit in them).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
