"""What publishing a post sends to the sites it links to, in the background worker: a
webmention where the target advertises an endpoint, else a pingback; each link once, every
remote URL through the safe fetcher, a broken peer never stopping the others."""

import xmlrpc.client
from urllib.parse import urljoin

from django.utils import timezone
from django_tasks import task

from blog import origin
from blog.models import Post, SiteOptions

from ..models import OutgoingPing
from . import fetch, webmention
from .pingback import _without_fragment, read_page
from .xmlrpc import loads


def external_links(html):
    """The http(s) links of a post body that point outside this site, each once."""
    links = []
    for link in read_page(html, origin.current()).links:
        url = _without_fragment(link["href"])
        outside = url.startswith(("http://", "https://")) and not origin.is_own_url(url)
        if outside and url not in links:
            links.append(url)
    return links


def discover(url):
    """("webmention", endpoint) or ("pingback", server) for a target page, or ("", "").

    Webmention first (the Link header, then <link>/<a rel="webmention">), then Pingback (the
    X-Pingback header, then <link rel="pingback">), from one fetch of the page."""
    response = fetch.fetch(url, max_redirects=3)
    for part in response.headers.get("link", "").split(","):
        address, _, params = part.partition(";")
        if "webmention" in params.lower() and address.strip().startswith("<"):
            return "webmention", urljoin(response.url, address.strip()[1:-1])
    page = None
    if response.content_type in ("text/html", "application/xhtml+xml"):
        page = read_page(response.text(), response.url)
        if page.webmention_links:
            return "webmention", page.webmention_links[0]
    if header := response.headers.get("x-pingback"):
        return "pingback", header.strip()
    if page is not None and page.pingback_links:
        return "pingback", page.pingback_links[0]
    return "", ""


def pingback(server, source, target):
    body = xmlrpc.client.dumps((source, target), "pingback.ping").encode()
    response = fetch.fetch(
        server, method="POST", body=body, headers={"Content-Type": "text/xml"}, max_redirects=0
    )
    params, _method = loads(response.body)
    return str(params[0]) if params else ""


def notify(source, url):
    """Tell `url` about `source`: (server, outcome, succeeded)."""
    server = ""
    try:
        kind, server = discover(url)
        if kind == "webmention":
            outcome, succeeded = webmention.send(source, url, server)
            return server, outcome, succeeded
        if kind == "pingback":
            return server, pingback(server, source, url)[:300], True
        return "", "no webmention or pingback endpoint", False
    except xmlrpc.client.Fault as fault:
        return server, f"fault {fault.faultCode}: {fault.faultString}"[:300], False
    except (fetch.FetchError, ValueError, xmlrpc.client.ResponseError) as error:
        return server, f"failed: {error}"[:300], False
    except Exception as error:  # a broken peer must never stop the other pings
        return server, f"failed: {type(error).__name__}"[:300], False


@task()
def send_pings(post_id):
    with timezone.override(SiteOptions.get().tzinfo):
        return _send_pings(post_id)


def _send_pings(post_id):
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_published or not post.pings_open:
        return 0
    source = origin.absolute(post.get_absolute_url())
    done = set(OutgoingPing.objects.filter(post=post).values_list("url", flat=True))
    sent = 0
    for url in external_links(post.body):
        if url in done:
            continue
        server, outcome, succeeded = notify(source, url)
        OutgoingPing.objects.get_or_create(
            post=post,
            url=url,
            defaults={"server": server[:500], "outcome": outcome, "succeeded": succeeded},
        )
        sent += 1
    return sent
