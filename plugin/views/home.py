"""`GET /`: what this service is, where staff sign in, and whether it is up."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from plugin.extensions import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> tuple[str, int]:
    """A first visit's page; candidates arrive by their own links, not here."""
    return render_template("home.html", database_up=_database_up()), 200


def _database_up() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
