"""The XML-RPC endpoint at /xmlrpc.php: Pingback 1.0, parsed with defusedxml.

Like WordPress since 3.5.1, every pingback fault but 48 ("already registered") goes out as
fault 0 with no message, so the endpoint tells a prober nothing about the network behind it;
INKWELL_PINGBACK_DETAILED_FAULTS=1 turns the specific codes on.
"""

import logging
import xmlrpc.client
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from . import pingback, pings

logger = logging.getLogger(__name__)

PARSE_ERROR, NO_SUCH_METHOD, BAD_PARAMS = -32700, -32601, -32602


def loads(data):
    """Parse an XML-RPC request or response: (params, method name). No DTDs, no entities."""
    target = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(target, forbid_dtd=True)
    parser.feed(data)
    parser.close()
    return target.close(), target.getmethodname()


def _list_methods(request):
    return sorted(METHODS)


def _ping(request, source, target):
    return pingback.receive(source, target, request)


def _get_pingbacks(request, url):
    return pingback.pingbacks_of(url, request)


METHODS = {
    "system.listMethods": (_list_methods, 0),
    "pingback.ping": (_ping, 2),
    "pingback.extensions.getPingbacks": (_get_pingbacks, 1),
}


def _respond(value):
    if isinstance(value, xmlrpc.client.Fault):
        body = xmlrpc.client.dumps(value, methodresponse=True, allow_none=False)
    else:
        body = xmlrpc.client.dumps((value,), methodresponse=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _public_fault(error):
    if settings.INKWELL_PINGBACK_DETAILED_FAULTS or error.code == pingback.ALREADY_REGISTERED:
        return xmlrpc.client.Fault(error.code, error.message)
    return xmlrpc.client.Fault(0, "")


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
    if refused := pings.refusal(request):
        status, reason = refused
        return HttpResponse(f"{reason.capitalize()}.", content_type="text/plain", status=status)
    body = request.read(settings.INKWELL_PING_MAX_BODY + 1)
    if len(body) > settings.INKWELL_PING_MAX_BODY:
        return HttpResponse("Request body too large.", content_type="text/plain", status=413)

    try:
        params, method = loads(body)
    except (
        ExpatError,
        DefusedXmlException,
        ValueError,
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
    function, arity = METHODS[method]
    if len(params) != arity or not all(isinstance(p, str) for p in params):
        return _respond(xmlrpc.client.Fault(BAD_PARAMS, "server error. invalid method parameters"))
    try:
        return _respond(function(request, *params))
    except pingback.PingbackError as error:
        logger.info("pingback refused (%s): %s", error.code, error.message)
        return _respond(_public_fault(error))
