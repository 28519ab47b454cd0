from django.urls import path, re_path

from .rest import views as rest

app_name = "wordpress"

urlpatterns = [
    path("wp-admin/admin-ajax.php", rest.admin_ajax, name="admin-ajax"),
    path("wp-json/", rest.rest, name="rest-index"),
    re_path(r"^wp-json/(?P<route>.*)$", rest.rest, name="rest"),
]
