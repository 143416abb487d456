"""JSON request bodies for documented blueprints, refused in our error shape.

flask-smorest reads bodies through webargs, which answers bad ones with its own
error body; this parser answers 400 (not JSON) and 422 (breaks the schema) the way
every other refusal is answered, naming the body paths at fault.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Request, Response
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from plugin.views.common import error_response
from webhooks.fields import flatten_errors


class BadInput(Exception):
    """A request body we refuse, with the fields named (422 unless it is not JSON)."""

    def __init__(
        self,
        fields: dict[str, list[str]],
        status: int = 422,
        code: str = "invalid_input",
        message: str = "The request body breaks the schema.",
    ):
        super().__init__(message)
        self.fields, self.status, self.code = fields, status, code
        self.message = message


class BodyParser(FlaskParser):
    """webargs' parser, refusing bodies in our error shape instead of its own."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError as exc:
            raise _not_json("JSON nested too deeply.") from exc
        except json.JSONDecodeError:
            raise  # webargs reads an empty body as "no body"
        except ValueError as exc:  # e.g. a number of over 4,300 digits
            raise _not_json("Not a JSON document.") from exc

    def _handle_invalid_json_error(self, error: Exception, *args: Any) -> NoReturn:
        raise _not_json("Not a JSON document.") from error

    def pre_load(
        self, location_data: Any, *, schema: Schema, req: Request, location: str
    ) -> Any:
        if not isinstance(location_data, Mapping):
            raise BadInput({"body": ["Send a JSON object."]})
        return location_data

    def handle_error(
        self, error: ValidationError, *args: Any, **kwargs: Any
    ) -> NoReturn:
        # webargs files the messages under their location ("json"); ours name
        # paths in the body alone.
        messages = error.messages
        if isinstance(messages, dict):
            messages = messages.get("json", messages)
        raise BadInput(flatten_errors(messages)) from error


def _not_json(why: str) -> BadInput:
    return BadInput({"body": [why]}, 400, "invalid_json", "The body is not JSON.")


class ApiBlueprint(Blueprint):
    """A documented blueprint whose bodies are read by `BodyParser`."""

    ARGUMENTS_PARSER = BodyParser()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.register_error_handler(BadInput, refuse_bad_input)


def refuse_bad_input(exc: BadInput) -> tuple[Response, int]:
    """The answer to a refused body: our error shape, with the fields named."""
    return error_response(exc.status, exc.code, exc.message, exc.fields)
