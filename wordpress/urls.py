from django.urls import path, re_path

from blog import converters  # noqa: F401  (registers yyyy, mm, dd and wpslug)

from . import oembed, rsd
from .rest import views as rest

app_name = "wordpress"

urlpatterns = [
    path("xmlrpc.php", rsd.endpoint, name="xmlrpc"),
    path("wp-admin/admin-ajax.php", rest.admin_ajax, name="admin-ajax"),
    path("wp-json/", rest.rest, name="rest-index"),
    re_path(r"^wp-json/(?P<route>.*)$", rest.rest, name="rest"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/embed/",
        oembed.embed_post,
        name="embed-post",
    ),
    re_path(r"^(?P<path>(?:[^/]+/)+)embed/$", oembed.embed_page, name="embed-page"),
]
