"""A REST write's arguments, read as WordPress reads them: the query string merged with a JSON
or form body, each argument checked against its type (`rest_invalid_param` otherwise)."""

import json

from django.utils.dateparse import parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware

from .errors import RestError, invalid_param


def read(request):
    """The request's arguments as one dict; a malformed JSON body is rest_invalid_json."""
    args = {key: request.GET.get(key) for key in request.GET}
    content_type = request.content_type or ""
    if content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise RestError("rest_invalid_json", "Invalid JSON body passed.", 400) from error
        if not isinstance(body, dict):
            raise RestError("rest_invalid_json", "Invalid JSON body passed.", 400)
        args.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key in request.POST:
            values = request.POST.getlist(key)
            name = key.removesuffix("[]")
            args[name] = values if key.endswith("[]") else values[-1]
    return args


def text(args, name):
    """A string argument; WordPress also accepts {"raw": "…"} for title, content, excerpt."""
    value = args[name]
    if isinstance(value, dict) and "raw" in value:
        value = value["raw"]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise invalid_param(name, f"{name} is not of type string.")
    return str(value)


def integer(args, name):
    value = args[name]
    if isinstance(value, bool):
        raise invalid_param(name, f"{name} is not of type integer.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    raise invalid_param(name, f"{name} is not of type integer.")


def boolean(args, name):
    value = args[name]
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true"):
        return True
    if str(value).lower() in ("0", "false", ""):
        return False
    raise invalid_param(name, f"{name} is not of type boolean.")


def integers(args, name):
    value = args[name]
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise invalid_param(name, f"{name} is not of type array.")
    return [integer({name: item}, name) for item in value]


def one_of(args, name, choices):
    value = args[name]
    if value not in choices:
        raise invalid_param(name, f"{name} is not one of {', '.join(choices)}.")
    return value


def moment(args, name, utc=False):
    value = args[name]
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise invalid_param(name, "Invalid date.")
    if is_naive(parsed):
        import datetime

        parsed = (
            parsed.replace(tzinfo=datetime.UTC)
            if utc
            else make_aware(parsed, get_current_timezone())
        )
    return parsed
