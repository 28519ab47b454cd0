"""The XML-RPC endpoint at /xmlrpc.php, announced by X-Pingback on posts whose pings are open.

Until the pingback server lands it answers as WordPress does with pingbacks switched off:
GET gets WordPress's notice, every call a fault with code 0 and no detail.
"""

from xmlrpc.client import Fault, dumps

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def endpoint(request):
    if request.method != "POST":
        return HttpResponse("XML-RPC server accepts POST requests only.", content_type="text/plain")
    body = dumps(Fault(0, ""), methodresponse=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
