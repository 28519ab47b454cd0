"""The XML-RPC endpoint at /xmlrpc.php, parsed with defusedxml: a dispatcher that apps
register their methods with (`comments.pings.pingback` adds Pingback 1.0)."""

import logging
import xmlrpc.client
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from . import guard

logger = logging.getLogger(__name__)

PARSE_ERROR, NO_SUCH_METHOD, BAD_PARAMS, APPLICATION_ERROR = -32700, -32601, -32602, -32500


def loads(data):
    """Parse an XML-RPC request or response: (params, method name). No DTDs, no entities."""
    target = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(target, forbid_dtd=True)
    parser.feed(data)
    parser.close()
    return target.close(), target.getmethodname()


METHODS = {}


def method(name, arity=None, ping=False):
    """Register `function(request, *params)` as XML-RPC method `name`.

    With `arity`, the method takes exactly that many strings; without, it checks its own
    parameters. `ping` methods are anonymous and answer to the ping guard (rate limit, small
    bodies). Apps add their methods at startup (from their AppConfig.ready); a method answers
    a fault by raising xmlrpc.client.Fault."""

    def register(function):
        METHODS[name] = (function, arity, ping)
        return function

    return register


def max_body():
    """Uploads (wp.uploadFile) arrive base64-encoded inside the XML: room for the largest."""
    return max(settings.INKWELL_PING_MAX_BODY, settings.INKWELL_MAX_UPLOAD_BYTES * 4 // 3 + 65536)


@method("system.listMethods", 0)
def _list_methods(request):
    return sorted(METHODS)


def _respond(value):
    if isinstance(value, xmlrpc.client.Fault):
        body = xmlrpc.client.dumps(value, methodresponse=True, allow_none=False)
    else:
        body = xmlrpc.client.dumps((value,), methodresponse=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@csrf_exempt
def endpoint(request):
    if not settings.INKWELL_XMLRPC_ENABLED:
        raise Http404
    if request.method != "POST":
        response = HttpResponse(
            "XML-RPC server accepts POST requests only.", content_type="text/plain", status=405
        )
        response["Allow"] = "POST"
        return response
    body = request.read(max_body() + 1)
    if len(body) > max_body():
        return HttpResponse("Request body too large.", content_type="text/plain", status=413)

    try:
        params, method = loads(body)
    except (
        ExpatError,
        DefusedXmlException,
        ValueError,
        ArithmeticError,  # <bigdecimal>abc</bigdecimal>
        TypeError,
        IndexError,
        xmlrpc.client.ResponseError,
    ):
        return _respond(xmlrpc.client.Fault(PARSE_ERROR, "parse error. not well formed"))
    if method not in METHODS:
        return _respond(
            xmlrpc.client.Fault(
                NO_SUCH_METHOD,
                f"server error. requested method {str(method)[:100]} does not exist.",
            )
        )
    function, arity, ping = METHODS[method]
    if ping and (refused := guard.refusal(request)):
        status, reason = refused
        return HttpResponse(f"{reason.capitalize()}.", content_type="text/plain", status=status)
    if ping and len(body) > settings.INKWELL_PING_MAX_BODY:
        return HttpResponse("Request body too large.", content_type="text/plain", status=413)
    if arity is not None and (len(params) != arity or not all(isinstance(p, str) for p in params)):
        return _respond(xmlrpc.client.Fault(BAD_PARAMS, "server error. invalid method parameters"))
    try:
        return _respond(function(request, *params))
    except xmlrpc.client.Fault as fault:
        return _respond(fault)
    except Exception:  # a method's bug must not become an HTML error page for a client
        logger.exception("XML-RPC method %s failed", method)
        return _respond(xmlrpc.client.Fault(APPLICATION_ERROR, "server error. internal error"))
