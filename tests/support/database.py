"""The database a test run uses, and emptying it between tests."""

from __future__ import annotations

import os

from flask import Flask

from plugin.extensions import db

# SQLite by default; CI sets a real PostgreSQL here.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def empty_tables(app: Flask) -> None:
    """Delete every row the test left, children first; the schema stays."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()
