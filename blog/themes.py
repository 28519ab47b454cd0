"""The theme layer: WordPress's template hierarchy, looked up in the active theme, then classic."""

from django.template.loader import select_template
from django.template.response import TemplateResponse

from .models import SiteOptions

FALLBACK_THEME = "classic"


def template_names(names, theme=None):
    theme = theme or SiteOptions.get().theme
    themes = [theme] if theme == FALLBACK_THEME else [theme, FALLBACK_THEME]
    return [f"themes/{t}/{name}" for t in themes for name in names]


def get_template(names):
    return select_template(template_names(names))


def render(request, names, context, status=None, headers=None):
    """A TemplateResponse rendered with the first template of `names` the theme has."""
    response = TemplateResponse(request, template_names(names), context, status=status)
    for header, value in (headers or {}).items():
        response[header] = value
    return response


def post_templates(post):
    return [f"single-{post.slug}.html", "single.html", "singular.html", "index.html"]
