"""Root URLs: WordPress's URL scheme (see ARCHITECTURE.md)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from blog import views as blog_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("wordpress.urls")),
    re_path(r"^wp-admin(?:/.*)?$", RedirectView.as_view(url="/admin/", permanent=True)),
    path("wp-login.php", RedirectView.as_view(url="/admin/login/", permanent=True)),
    path("healthz", blog_views.healthz, name="healthz"),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]

if settings.INKWELL_SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", blog_views.media, name="media"))

# Pages answer at their own paths (/about/, /about/team/): last, so every other URL wins.
urlpatterns.append(re_path(r"^(?P<path>(?:[^/]+/)+)$", blog_views.page_detail, name="page"))

handler404 = "wordpress.redirects.page_not_found"
handler500 = "blog.errors.server_error"
