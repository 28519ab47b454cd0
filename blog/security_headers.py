"""The Content-Security-Policy (django-csp): the strict policy in settings for every page, and
the admin's variant. Public pages run only Inkwell's own script files and inline blocks that
carry the request's nonce. Django 5.2's admin and the prose editor's import map write inline
scripts without a nonce, so admin pages allow inline scripts and get no nonce (with a nonce in
the header, browsers would ignore 'unsafe-inline')."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(settings.INKWELL_ADMIN_PATH_PREFIX):
            parts.update = {**(parts.update or {}), **settings.INKWELL_ADMIN_CSP_UPDATE}
            parts.nonce = None
        return parts
