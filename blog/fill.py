"""The pieces of a page that must be new on every response (the CSRF token, the comment form's
one-time fields, the live view count): templates write markers for them, so the HTML around
them can be cached, and `fill` puts this request's values in on the way out.

A marker holds a secret derived from SECRET_KEY, so no text an author or commenter writes can
be taken for one.
"""

import functools
import re

from django.utils.crypto import salted_hmac

from . import csrf_tokens

_fillers = {}


@functools.cache
def _prefix():
    return "inkwell" + salted_hmac("inkwell.fill-markers", "v1").hexdigest()[:24]


_RAW_CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="(?!inkwell)')


def holds_raw_token(content):
    """Whether `content` (bytes) has a CSRF token written as it is, not as a marker: HTML that
    must never be kept for another reader."""
    return _RAW_CSRF_RE.search(content) is not None


def mark_nonce(request, content):
    """`content` (str or bytes) with this request's CSP nonce, if it used one, as a marker:
    HTML kept for other readers never holds one reader's nonce."""
    nonce = getattr(request, "csp_nonce", None)
    if not nonce:  # django-csp's lazy nonce is false until something used it
        return content
    nonce, placeholder = str(nonce), marker("csp-nonce")
    if isinstance(content, bytes):
        return content.replace(nonce.encode(), placeholder.encode())
    return content.replace(nonce, placeholder)


def register(name, function):
    """`function(request, argument)` returns the HTML that replaces marker `name`."""
    _fillers[name] = function


def marker(name, argument=""):
    return f"{_prefix()}.{name}.{argument}."


@functools.cache
def _after_prefix_re():
    return re.compile(rb"\.([a-z-]+)\.(\w*)\.")


def split(content):
    """`content` (bytes) cut at its markers, [text, name, argument, text, …, text], for
    `fill` to join again on every response without searching the page (the page cache).
    The page is cut at the markers' fixed prefix first (a plain search, fast on a page of
    500 comments), then each piece's marker is read from its start."""
    prefix = _prefix().encode()
    pieces = content.split(prefix)
    parts = [pieces[0]]
    for piece in pieces[1:]:
        found = _after_prefix_re().match(piece)
        if found is None:  # the prefix without a marker after it: text, as it was
            parts[-1] += prefix + piece
            continue
        parts += [found.group(1), found.group(2), piece[found.end() :]]
    return parts


def splice(content, pieces):
    """`content` (bytes) with each "kept" marker replaced by its piece of `pieces` (bytes, by
    the marker's number): large fragments a template left out of its own string joins
    ({% kept … spliced %}), put in once. Every other marker stays for `fill`."""
    if not pieces:
        return content
    parts = split(content)
    joined = [parts[0]]
    for start in range(1, len(parts) - 1, 3):
        name, argument, text = parts[start : start + 3]
        if name == b"kept":
            joined.append(pieces[int(argument)])
        else:
            joined.append(marker(name.decode(), argument.decode()).encode())
        joined.append(text)
    return b"".join(joined)


def fill(request, content, values=None):
    """`content` (bytes, or its `split` parts) with every marker replaced: by `values[name]`
    when given, else by the registered filler."""
    if isinstance(content, bytes):
        if _prefix().encode() not in content:
            return content
        content = split(content)
    return b"".join(_filled(request, content, values or {}))


def filled_chunks(request, parts, values, copied=64 * 1024):
    """As fill(request, parts, values), as a list of bytes to send one after another: texts
    longer than `copied` are sent as they are kept, not copied into one string with the rest
    (the comments of a long thread, half a megabyte, copied for every reader cost more than
    the two writes more that sending them apart takes)."""
    chunks, pending = [], []
    for piece in _filled(request, parts, values):
        if len(piece) > copied:
            if pending:
                chunks.append(b"".join(pending))
                pending = []
            chunks.append(piece)
        else:
            pending.append(piece)
    if pending:
        chunks.append(b"".join(pending))
    return chunks


def _filled(request, content, values):
    filled = []
    for start in range(0, len(content) - 1, 3):
        text, name, argument = content[start : start + 3]
        name = name.decode()
        if name in values:
            value = values[name]
        else:
            filler = _fillers.get(name)
            value = filler(request, argument.decode()) if filler else ""
        filled += [text, str(value).encode()]
    filled.append(content[-1])
    return filled


def _csrf_token(request, argument):
    """What Django's get_token returns, and the cookie it asks for: the secret drawn and masked
    in one read of the random source each (blog/csrf_tokens.py) instead of one per character."""
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # sets the cookie, or renews its expiry
    if "CSRF_COOKIE" not in request.META:  # a new reader's, drawn as a replayed page draws it
        request.META["CSRF_COOKIE"], token = csrf_tokens.new_secret_and_token()
        return token
    return csrf_tokens.masked(request.META["CSRF_COOKIE"])


register("csrf", _csrf_token)
register("csp-nonce", lambda request, argument: getattr(request, "csp_nonce", ""))
