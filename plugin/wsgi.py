"""WSGI entry point for gunicorn: `gunicorn plugin.wsgi:app`."""

from plugin import create_app

# gunicorn serves requests only: the `followup` commands stay out of its memory.
app = create_app(commands=False)
