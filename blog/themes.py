"""The theme layer: WordPress's template hierarchy, looked up in the active theme, then classic.

Templates name their theme's files as `theme/<name>` (views, `{% extends %}`, `{% include %}`);
`ThemeLoader` finds `themes/<active theme>/<name>`, else `themes/classic/<name>`, in every
template folder, and `CachedLoader` keeps one parsed copy per theme, so a theme switched in
Settings is used from the next request on.
"""

from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.template import Origin, engines
from django.template.loader import select_template
from django.template.loaders import cached, filesystem
from django.template.response import TemplateResponse
from django.template.utils import get_app_template_dirs
from django.utils._os import safe_join

from .models import SiteOptions

FALLBACK_THEME = "classic"
PREFIX = "theme/"


def active_theme():
    return SiteOptions.get().theme or FALLBACK_THEME


def theme_chain():
    theme = active_theme()
    return [theme] if theme == FALLBACK_THEME else [theme, FALLBACK_THEME]


def template_names(names):
    """`names` as the active theme's templates, in the order WordPress tries them."""
    return [PREFIX + name for name in names]


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


def template_dirs(engine):
    return [*engine.dirs, *get_app_template_dirs("templates")]


def installed_themes():
    """Folder names under themes/ in any template folder: what Settings offers."""
    found = {FALLBACK_THEME}
    for directory in template_dirs(engines["django"].engine):
        themes_dir = Path(directory) / "themes"
        if themes_dir.is_dir():
            found.update(path.name for path in themes_dir.iterdir() if path.is_dir())
    return sorted(found)


class ThemeLoader(filesystem.Loader):
    """`theme/NAME`: themes/<active>/NAME, else themes/classic/NAME, in every template folder."""

    def get_dirs(self):
        return template_dirs(self.engine)

    def get_template_sources(self, template_name):
        if not template_name.startswith(PREFIX):
            return
        name = template_name.removeprefix(PREFIX)
        for theme in theme_chain():
            for directory in self.get_dirs():
                try:
                    path = safe_join(directory, "themes", theme, name)
                except SuspiciousFileOperation:
                    continue
                yield Origin(name=path, template_name=template_name, loader=self)


class CachedLoader(cached.Loader):
    """Django's cached loader, with the active theme in the key of `theme/` names."""

    def cache_key(self, template_name, skip=None):
        key = super().cache_key(template_name, skip)
        return f"{active_theme()}:{key}" if template_name.startswith(PREFIX) else key
