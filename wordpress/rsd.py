"""Really Simple Discovery at `/xmlrpc.php?rsd`: which editing APIs this site speaks and where,
as WordPress advertises them to desktop editors. Any other request goes on to the XML-RPC
endpoint."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from comments.pings import xmlrpc

APIS = [("WordPress", True), ("Movable Type", False), ("MetaWeblog", False), ("Blogger", False)]


@csrf_exempt
def endpoint(request):
    if request.method != "GET" or "rsd" not in request.GET:
        return xmlrpc.endpoint(request)
    home = request.build_absolute_uri("/")
    api = request.build_absolute_uri("/xmlrpc.php")
    rest = request.build_absolute_uri("/wp-json/")
    entries = "".join(
        f'<api name="{name}" blogID="1" preferred="{"true" if preferred else "false"}" '
        f'apiLink="{api}" />'
        for name, preferred in APIS
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rsd version="1.0" xmlns="http://archipelago.phrasewise.com/rsd"><service>'
        f"<engineName>Inkwell</engineName><engineLink>{home}</engineLink>"
        f"<homePageLink>{home}</homePageLink><apis>{entries}"
        f'<api name="WP-API" blogID="1" preferred="false" apiLink="{rest}" />'
        "</apis></service></rsd>"
    )
    return HttpResponse(body, content_type="application/rsd+xml; charset=UTF-8")
