"""WSGI entry point for gunicorn: `gunicorn plugin.wsgi:app`."""

from . import create_app

app = create_app()
