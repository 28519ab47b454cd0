from django.urls import path, re_path

from .rest import views as rest

app_name = "wordpress"

urlpatterns = [
    path("wp-json/", rest.rest, name="rest-index"),
    re_path(r"^wp-json/(?P<route>.*)$", rest.rest, name="rest"),
]
