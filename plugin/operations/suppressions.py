"""The suppression list: candidate addresses we never email again.

An address is stored only as a keyed hash (HMAC-SHA256) of its normalised form, so the
list holds no address, and it outlives `candidates forget`. The key is
`SUPPRESSION_KEY` when set, else one derived from `SECRET_KEY`; lookups also try the
keys derived from `SECRET_KEY_FALLBACKS`, so a rotation loses no entry.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from flask import current_app
from sqlalchemy import BindParameter, ColumnElement, delete, exists, false, select
from sqlalchemy.exc import IntegrityError

from plugin.extensions import db, rows_changed
from plugin.models import Suppression

SUPPRESSION_REASONS = ("bounce", "complaint", "manual")
_KEY_PURPOSE = b"followup.suppressions.v1"


def normalise_address(email: str) -> str:
    """The form an address is compared in: trimmed, NFC, lower case, IDNA domain.

    Raises ValueError when `email` is not a plain address (`local@domain`).
    """
    address = unicodedata.normalize("NFC", email.strip())
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or not _plain(address):
        raise ValueError("not an email address")
    try:
        ascii_domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("the address's domain is not a valid domain name") from exc
    return f"{local.lower()}@{ascii_domain}"


def suppress(email: str, reason: str) -> bool:
    """Add the address; True when newly added. Commits."""
    if reason not in SUPPRESSION_REASONS:
        raise ValueError(f"reason must be one of {', '.join(SUPPRESSION_REASONS)}")
    hashes = _hashes(normalise_address(email))
    if _known(hashes):
        return False
    db.session.add(Suppression(address_hash=hashes[0], reason=reason))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # added at the same moment by someone else
        return False
    return True


def unsuppress(email: str) -> bool:
    """Remove the address; True when it was on the list. Commits."""
    hashes = _hashes(normalise_address(email))
    removed = rows_changed(
        delete(Suppression).where(Suppression.address_hash.in_(hashes))
    )
    db.session.commit()
    return removed > 0


def is_suppressed(email: str) -> bool:
    """Whether the address is on the list (an unreadable address is not)."""
    return bool(db.session.scalar(select(suppressed(email))))


def suppressed(email: str) -> ColumnElement[bool]:
    """The test "the address is on the list" as SQL, to ask inside a larger query."""
    hashes = address_hashes(email)
    return listed(hashes) if hashes else false()


def listed(hashes: list[str] | BindParameter[list[str]]) -> ColumnElement[bool]:
    """The test "one of these hashes is on the list" as SQL.

    The delivery job asks it with its other facts, in one round trip, in a statement
    built once: the hashes (`address_hashes`) are then an expanding parameter.
    """
    return exists().where(Suppression.address_hash.in_(hashes))


def address_hashes(email: str) -> list[str]:
    """What the address is listed under; none for an address we cannot read."""
    try:
        return _hashes(normalise_address(email))
    except ValueError:
        return []


def list_suppressions() -> list[Suppression]:
    """Every entry, newest first (hashes and reasons: no addresses)."""
    return list(
        db.session.scalars(
            select(Suppression).order_by(
                Suppression.created_at.desc(), Suppression.id.desc()
            )
        )
    )


def _known(hashes: list[str]) -> bool:
    found = db.session.scalar(
        select(Suppression.id).where(Suppression.address_hash.in_(hashes)).limit(1)
    )
    return found is not None


def _hashes(normalised: str) -> list[str]:
    """The address's hash under the current key first, then under older keys."""
    return [
        hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
        for key in _keys()
    ]


def _keys() -> list[bytes]:
    config = current_app.config
    if config.get("SUPPRESSION_KEY"):
        return [str(config["SUPPRESSION_KEY"]).encode("utf-8")]
    secrets = [config["SECRET_KEY"], *reversed(config.get("SECRET_KEY_FALLBACKS", []))]
    return [
        hmac.new(str(secret).encode("utf-8"), _KEY_PURPOSE, hashlib.sha256).digest()
        for secret in secrets
        if secret
    ]


def _plain(address: str) -> bool:
    return not any(
        c.isspace() or c in "<>," or unicodedata.category(c)[0] == "C" for c in address
    )
