"""CSRF protection for the pages' forms: a web process's extension only."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
