"""A message's bytes, written directly: what the `email` package writes, cheaper.

`EmailMessage` parses every header into objects and refolds it on output; for a
delivery job that was about a quarter of an email's CPU. Here a header that is plain
ASCII and fits on one line is written as it stands, exactly as the `email` package
would write it; any other (an encoded word for a non-ASCII name or subject, a long
line to fold) is folded by the `email` package itself. Bodies get the transfer
encoding `EmailMessage.set_content` would choose. `tests/mail/test_mime.py` checks
the bytes against the `email` package's own.
"""

from __future__ import annotations

import binascii
import random
import re
import sys
from collections.abc import Sequence
from email.headerregistry import Address
from email.policy import default

# An email line's limit (RFC 5322, 78 characters before the line break) and the
# longest line SMTP carries (998).
MAX_LINE = 78
MAX_SMTP_LINE = 998

# Values the `email` package would write unchanged: printable ASCII in words with
# single spaces, no encoded-word look-alike. Anything else goes through it.
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_NAME = re.compile(rf"{_ATEXT}(?: {_ATEXT})*")
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_PLAIN_MESSAGE_ID = re.compile(rf"<{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*>")
_ADDRESS_HEADERS = {"From", "To", "Reply-To"}
# Headers that hold one `<url>`, never folded.
_KEPT_WHOLE = {"List-Unsubscribe"}
# The boundary `email.generator` makes: 15 "=", 19 digits, "==".
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))

# Bytes quoted-printable writes as "=XX" (`quoprimime`'s body table): all but
# printable ASCII other than "=", space, tab and line ends.
_QP_UNSAFE = re.compile(rb"[^\t\n\r !-<>-~]+")
_QP_QUOTED = [b"=%02X" % byte for byte in range(256)]
_EQUALS = ord("=")

# `set_content` adds this to a part that is the message, or its HTML alternative.
_MIME_VERSION = b"MIME-Version: 1.0\n"

HeaderValue = str | Address


def header_lines(name: str, value: HeaderValue) -> str:
    """The header as it goes out, folded, each line ending in a newline.

    A List-Unsubscribe `<url>` stays whole on its line, as RFC 2369 wants: folded,
    it would become encoded words, which mail clients do not read there.
    """
    plain = _plain(name, value)
    limit = MAX_SMTP_LINE if name in _KEPT_WHOLE else MAX_LINE
    if plain is not None and len(name) + 2 + len(plain) <= limit:
        return f"{name}: {plain}\n"
    return str(default.header_factory(name, value).fold(policy=default))


def plain_address(address: Address) -> bool:
    """True when the address is ASCII dot-atoms, written as it stands."""
    return bool(
        _DOT_ATOM.fullmatch(address.username) and _DOT_ATOM.fullmatch(address.domain)
    )


def compose(headers: Sequence[str], text: str, html: str | None) -> bytes:
    """The whole message: `headers` (from `header_lines`), then the text body, and
    the HTML alternative when there is one.

    Raises UnicodeError (a ValueError) when a body cannot be encoded.
    """
    head = "".join(headers)
    if html is None:
        return head.encode("ascii") + _text_part("plain", text, _MIME_VERSION)
    parts = [_text_part("plain", text, b""), _text_part("html", html, _MIME_VERSION)]
    boundary = _boundary(b"\n".join(parts))
    return (
        head.encode("ascii")
        + (
            "MIME-Version: 1.0\n"
            "Content-Type: multipart/alternative;\n"
            f' boundary="{boundary}"\n\n'
            f"--{boundary}\n"
        ).encode("ascii")
        + f"\n--{boundary}\n".encode("ascii").join(parts)
        + f"\n--{boundary}--\n".encode("ascii")
    )


def _plain(name: str, value: HeaderValue) -> str | None:
    """The value as written when the `email` package would leave it as it is."""
    if isinstance(value, Address):
        if not plain_address(value):
            return None
        spec = f"{value.username}@{value.domain}"
        if not value.display_name:
            return spec
        if _PLAIN_NAME.fullmatch(value.display_name):
            return f"{value.display_name} <{spec}>"
        return None
    if name in _ADDRESS_HEADERS:
        return None  # an address given as text is parsed and written by the package
    if name == "Message-ID":
        return value if _PLAIN_MESSAGE_ID.fullmatch(value) else None
    if _PLAIN_TEXT.fullmatch(value) and "=?" not in value:
        return value
    return None


def _text_part(subtype: str, body: str, last_headers: bytes) -> bytes:
    """A text part's headers and encoded body, as `set_content` makes them."""
    encoding, payload = _encode_text(body)
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\n'
        f"Content-Transfer-Encoding: {encoding}\n"
    )
    return head.encode("ascii") + last_headers + b"\n" + payload


def _encode_text(body: str) -> tuple[str, bytes]:
    """The encoding `email.contentmanager` picks for UTF-8 text, and the body in it.

    Short lines go as they are (7bit, or 8bit when not ASCII); longer ones in
    quoted-printable or base64, whichever the first ten lines say is shorter.
    """
    lines = body.encode("utf-8").splitlines()
    normal = b"\n".join(lines) + b"\n"
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        return ("7bit" if normal.isascii() else "8bit"), normal
    # Quoted-printable encodes each line on its own: the first ten lines, encoded
    # once, serve both to choose and as the start of the body.
    escaped = _QP_UNSAFE.sub(_quoted_run, normal).split(b"\n")[:-1]
    quoted = [_soft_broken(line) for line in escaped]
    sniff = b"\n".join(lines[:10]) + b"\n"
    sniff_quoted = sum(len(line) + 1 for line in quoted[:10])
    if sniff_quoted > len(binascii.b2a_base64(sniff)):
        step = MAX_LINE // 4 * 3
        encoded = b"".join(
            binascii.b2a_base64(normal[start : start + step])
            for start in range(0, len(normal), step)
        )
        return "base64", encoded
    return "quoted-printable", b"\n".join(quoted) + b"\n"


def _soft_broken(line: bytes) -> bytes:
    """A quoted line cut to MAX_LINE, exactly as `quoprimime.body_encode` cuts it.

    That function also translates every character through a Python table; here
    only the runs that need quoting are (`_QP_UNSAFE`), before the cut.
    """
    if len(line) <= MAX_LINE and not line.endswith((b" ", b"\t")):
        return line  # most lines: nothing to cut, no white space to quote
    pieces: list[bytes] = []
    start, last_start = 0, len(line) - 1 - MAX_LINE
    while start <= last_start:
        stop = start + MAX_LINE - 1
        # Never split an "=XX" sequence.
        if line[stop - 2] == _EQUALS:
            pieces.append(line[start : stop - 1])
            start = stop - 2
        elif line[stop - 1] == _EQUALS:
            pieces.append(line[start:stop])
            start = stop - 1
        else:
            pieces.append(line[start:stop] + b"=")
            start = stop
    if line and line[-1] in b" \t":  # white space ending a line is quoted
        room = start - last_start
        space = line[-1:]
        if room >= 3:
            end = _QP_QUOTED[line[-1]]
        elif room == 2:
            end = space + b"=\n"
        else:
            end = b"=\n" + _QP_QUOTED[line[-1]]
        pieces.append(line[start:-1] + end)
    else:
        pieces.append(line[start:])
    return b"\n".join(pieces)


def _quoted_run(found: re.Match[bytes]) -> bytes:
    return b"".join(_QP_QUOTED[byte] for byte in found[0])


def _boundary(text: bytes) -> str:
    """A boundary no line of `text` holds, made as `email.generator` makes one."""
    token = random.randrange(sys.maxsize)
    boundary = "=" * 15 + f"{token:0{_BOUNDARY_DIGITS}d}" + "=="
    chosen, counter = boundary, 0
    while _has_boundary_line(text, chosen):
        chosen, counter = f"{boundary}.{counter}", counter + 1
    return chosen


def _has_boundary_line(text: bytes, boundary: str) -> bool:
    """True when a line of `text` is `--boundary` or `--boundary--`.

    A boundary is random: it is almost never in the text at all, which a substring
    test says without compiling a pattern for it.
    """
    delimiter = b"--" + boundary.encode("ascii")
    if delimiter not in text:
        return False
    line = b"^" + re.escape(delimiter) + b"(--)?$"
    return re.search(line, text, re.MULTILINE) is not None
