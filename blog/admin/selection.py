"""Bulk actions on rows picked by their keys, as the admin's check boxes send them."""

from django.contrib.admin import helpers
from django.core.exceptions import BadRequest

from ..converters import parse_id


class SelectionByKey:
    """A ModelAdmin mixin: a selection holding anything no key can be is a bad request (Django
    would filter with it, and "" or a 25-digit number fails inside the database query)."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(parse_id(key) is None for key in selected):
            raise BadRequest("The selection names rows that cannot exist.")
        return super().response_action(request, queryset)
