"""The theme's error pages."""

import re

from django.http import HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader

from . import themes
from .redirects import old_permalink_target


def page_not_found(request, exception=None):
    if "//" in request.path:  # old exports carry links like https://site//greek/
        return HttpResponsePermanentRedirect(re.sub("/{2,}", "/", request.get_full_path()))
    if target := old_permalink_target(request.path):
        return HttpResponsePermanentRedirect(target)
    return themes.render(request, ["404.html"], {}, status=404)


def server_error(request):
    # No context processors, no database: the error may be the database itself.
    template = loader.select_template(themes.template_names(["500.html"], theme="classic"))
    return HttpResponseServerError(template.render({}))
