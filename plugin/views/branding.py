"""`GET /brand.css`: the firm's colour as a stylesheet from our own origin.

Pages never carry inline styles (the CSP's `style-src 'self'`), so the policy's
`[branding] colour` reaches them through this small, cacheable stylesheet.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from plugin.config import firm_policy

bp = Blueprint("branding", __name__)

# The colour changes only with the policy file, which is read at start-up.
CACHE_SECONDS = 3600


@bp.get("/brand.css")
def stylesheet() -> Response:
    """The brand colour on links, buttons and the header rule."""
    colour = firm_policy().branding.colour
    css = render_template("brand.css", colour=colour, colour_dark=darker(colour))
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def darker(colour: str, factor: float = 0.75) -> str:
    """`#RRGGBB` with each channel scaled down: hover and link colour."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in channels)
