"""The theme's error pages."""

from django.http import HttpResponseServerError
from django.template import loader

from . import themes


def page_not_found(request, exception=None):
    return themes.render(request, ["404.html"], {}, status=404)


def server_error(request):
    # No context processors, no database: the error may be the database itself.
    template = loader.get_template(f"themes/{themes.FALLBACK_THEME}/500.html")
    return HttpResponseServerError(template.render({}))
