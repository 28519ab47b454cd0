"""Posts and pages in the admin, with WordPress's roles enforced in querysets, forms and
actions, revisions (django-reversion) and a preview of unsaved changes."""

import datetime
import difflib

from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import discussion, freshness, themes
from ..converters import parse_id
from ..dates import list_date
from ..forms import EntryForm
from ..models import Page, Post, PostType, Status
from ..models.entries import own_editable_statuses
from ..stats import charts, counter, daily
from ..views import render_entry
from .publishing import PublishBoxMixin
from .selection import SelectionByKey
from .undo import UndoMixin


class MonthFilter(admin.SimpleListFilter):
    """WordPress's "All dates" drop-down: the months that have entries."""

    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            model_admin.get_queryset(request)
            .annotate(m=TruncMonth("published_at"))
            .values_list("m", flat=True)
            .distinct()
            .order_by("-m")
        )
        return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months if m]

    def queryset(self, request, queryset):
        if self.value():
            try:
                month = datetime.datetime.strptime(self.value(), "%Y-%m")
            except ValueError as error:
                raise BadRequest("The month is not one the list offers.") from error
            return queryset.filter(published_at__year=month.year, published_at__month=month.month)
        return queryset


class EntryAdmin(SelectionByKey, UndoMixin, PublishBoxMixin, VersionAdmin):
    form = EntryForm
    post_type = PostType.POST
    search_fields = ["title", "body", "excerpt"]
    list_select_related = ["author", "view_count"]
    list_per_page = 20
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["featured_image"]
    readonly_fields = ["views_chart"]
    actions = ["publish", "move_to_draft", "move_to_trash", "restore"]
    change_form_template = "admin/blog/entry_change_form.html"

    # --- who may do what ----------------------------------------------------------------

    # Posts and pages share one table and one set of permissions (blog.*_post), as WordPress's
    # capabilities do; pages also need blog.edit_pages (see PageAdmin.type_allowed).

    def type_allowed(self, request):
        return True

    def may(self, request, action):
        return self.type_allowed(request) and request.user.has_perm(f"blog.{action}_post")

    def may_edit_others(self, request):
        return request.user.has_perm("blog.edit_others_posts")

    def owns(self, request, entry):
        return entry.author_id == request.user.pk

    def has_module_permission(self, request):
        return self.may(request, "view") or self.may(request, "change")

    def has_view_permission(self, request, obj=None):
        return (self.may(request, "view") or self.may(request, "change")) and (
            obj is None or self.may_edit_others(request) or self.owns(request, obj)
        )

    def has_add_permission(self, request):
        return self.may(request, "add")

    def has_change_permission(self, request, obj=None):
        if not self.may(request, "change"):
            return False
        if obj is None or self.may_edit_others(request):
            return True
        return Post.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return self.may(request, "delete") and self.has_change_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(post_type=self.post_type)
        if not self.may_edit_others(request):
            queryset = queryset.filter(author=request.user)
        on_list = (request.resolver_match.url_name or "").endswith("_changelist")
        if on_list and request.GET.get("status__exact") != Status.TRASH:
            queryset = queryset.exclude(status=Status.TRASH)  # the trash is its own view
        comments = (
            discussion.approved_comments()
            .filter(object_pk=Cast(OuterRef("pk"), CharField()))
            .order_by()
            .values("content_type")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(comment_count=Coalesce(Subquery(comments), 0))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.may_edit_others(request):
            fields.append("author")
        return fields

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        obj.post_type = self.post_type
        if not change and not self.may_edit_others(request):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)

    # --- list ----------------------------------------------------------------------------

    @admin.display(description=_("Title"), ordering="title")
    def title_and_state(self, entry):
        notes = []
        if entry.status not in (Status.PUBLISH,):
            notes.append(entry.get_status_display())
        if entry.password:
            notes.append(gettext("Password protected"))
        if entry.is_sticky:
            notes.append(gettext("Sticky"))
        suffix = format_html(" \u2014 <strong>{}</strong>", ", ".join(notes)) if notes else ""
        return format_html("{}{}", entry.display_title, suffix)

    @admin.display(description=_("Date"), ordering="published_at")
    def date_and_status(self, entry):
        """WordPress's Date column: what the date means, then the date."""
        if entry.status == Status.FUTURE or (
            entry.status == Status.PUBLISH and entry.published_at > timezone.now()
        ):
            label, when = gettext("Scheduled"), entry.published_at
        elif entry.status in (Status.PUBLISH, Status.PRIVATE):
            label, when = gettext("Published"), entry.published_at
        else:
            label, when = gettext("Last Modified"), entry.updated_at
        return format_html("{}<br>{}", label, list_date(when))

    @admin.display(description=_("Comments"), ordering="comment_count")
    def comments(self, entry):
        url = reverse("admin:comments_comment_changelist") + f"?object_pk={entry.pk}"
        return format_html('<a href="{}">{}</a>', url, entry.comment_count)

    @admin.display(description=_("Views"), ordering="view_count__count")
    def views(self, entry):
        return entry.view_count.count if hasattr(entry, "view_count") else 0

    @admin.display(description=_("Views, last 30 days"))
    def views_chart(self, entry):
        if not entry.pk:
            return "\u2014"
        daily.flush()
        points = daily.last_days(entry)
        recent, total = sum(value for _, value in points), counter.current_views(entry)
        summary = ngettext(
            "%(total)s view since it was published, %(recent)s of them in the last 30 days.",
            "%(total)s views since it was published, %(recent)s of them in the last 30 days.",
            total,
        ) % {
            "total": number_format(total, force_grouping=True),
            "recent": number_format(recent, force_grouping=True),
        }
        return format_html(
            '{}<p class="views-total">{}</p>',
            charts.bar_chart(points, entry.display_title),
            summary,
        )

    # --- actions -------------------------------------------------------------------------

    def _changeable(self, request, queryset):
        return [entry for entry in queryset if self.has_change_permission(request, entry)]

    def _set_status(self, request, queryset, status):
        """Move the rows the user may change to `status`; {pk: status before} of those moved."""
        previous = {}
        for entry in self._changeable(request, queryset.exclude(status=status)):
            previous[entry.pk] = entry.status
            entry.status = status
            entry.save()
        return previous

    def _say(self, request, template, count, undo=None):
        """WordPress's message: "1 post moved to the Trash.", "3 pages published."."""
        text = self._counted(template, count)
        if undo:
            text = self.undo_message(request, text, *undo)
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISH)
        scheduled = Post.objects.filter(pk__in=changed, status=Status.FUTURE).count()
        if len(changed) - scheduled or not scheduled:
            self._say(
                request,
                gettext("%(count)d %(noun)s published."),
                len(changed) - scheduled,
            )
        if scheduled:
            self._say(
                request,
                gettext("%(count)d %(noun)s scheduled."),
                scheduled,
            )

    def has_publish_permission(self, request):
        return request.user.has_perm("blog.publish_posts")

    @admin.action(description=_("Move to draft"), permissions=["change"])
    def move_to_draft(self, request, queryset):
        changed = self._set_status(request, queryset, Status.DRAFT)
        self._say(
            request,
            gettext("%(count)d %(noun)s moved to draft."),
            len(changed),
        )

    @admin.action(description=_("Move to Trash"), permissions=["change"])
    def move_to_trash(self, request, queryset):
        from ..trash import schedule_emptying

        changed = self._set_status(request, queryset, Status.TRASH)
        self._say(
            request,
            gettext("%(count)d %(noun)s moved to the Trash."),
            len(changed),
            undo=(Status.TRASH, changed),
        )
        schedule_emptying()

    @admin.action(description=_("Restore from Trash"), permissions=["change"])
    def restore(self, request, queryset):
        changed = self._set_status(request, queryset.filter(status=Status.TRASH), Status.DRAFT)
        self._say(
            request,
            gettext("%(count)d %(noun)s restored from the Trash."),
            len(changed),
        )

    def undo(self, request, moved_to, previous):
        """Put back what the Undo names: rows still in `moved_to` the user may change."""
        entries = self.get_queryset(request).filter(pk__in=previous, status=moved_to)
        restored = 0
        for entry in entries:
            entry.status = previous[entry.pk]  # as the user could edit it back there
            if self.type_allowed(request) and entry.is_editable_by(request.user):
                entry.save()
                restored += 1
        return self._counted(gettext("%(count)d %(noun)s restored from the Trash."), restored)

    def _counted(self, template, count):
        noun = self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural
        return template % {"count": count, "noun": noun}

    # --- preview and revisions -----------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name="{}_{}_preview".format(*info)),
            path(
                "<id:pk>/preview/",
                view(self.preview_view),
                name="{}_{}_preview_existing".format(*info),
            ),
            path("<id:pk>/compare/", view(self.compare_view), name="{}_{}_compare".format(*info)),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk=None):
        """The unsaved form, rendered by the theme: never saved, never counted, never cached."""
        entry = get_object_or_404(self.get_queryset(request), pk=pk) if pk else None
        if request.method != "POST" or (entry and not self.has_change_permission(request, entry)):
            raise PermissionDenied
        form_class = self.get_form(request, entry, change=entry is not None)
        form = form_class(request.POST, request.FILES, instance=entry)
        form.is_valid()  # the instance takes every valid field; a preview shows what it can
        preview = form.instance
        preview.post_type = self.post_type
        preview.slug = preview.slug or slugify(preview.title, allow_unicode=True) or "preview"
        preview.published_at = preview.published_at or timezone.now()
        preview.updated_at = timezone.now()
        preview.author_id = preview.author_id or request.user.pk
        templates = (
            themes.post_templates(preview)
            if self.post_type == PostType.POST
            else ["page.html", "singular.html", "index.html"]
        )
        response = render_entry(
            request,
            preview,
            templates,
            count_view=False,
            extra={
                "categories": form.cleaned_data.get("categories", []),
                "tags": form.cleaned_data.get("tags", []),
                "is_preview": True,
            },
        )
        add_never_cache_headers(response)
        return response

    def _may_edit_version(self, request, version):
        """Whether the entry a revision records (perhaps deleted since) is one the user
        could edit: their own, in a status they may edit, unless they edit others' entries."""
        if self.may_edit_others(request):
            return True
        data = version.field_dict
        statuses = own_editable_statuses(request.user)
        return data.get("author_id") == request.user.pk and (
            statuses is None or data.get("status") in statuses
        )

    def _reversion_order_version_queryset(self, request, queryset):
        # django-reversion builds its "recover deleted" list and histories from this.
        versions = super()._reversion_order_version_queryset(request, queryset)
        if self.may_edit_others(request):
            return versions
        return [version for version in versions if self._may_edit_version(request, version)]

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        if not self._may_edit_version(request, version):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        get_object_or_404(self.get_queryset(request), pk=parse_id(object_id))
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, pk):
        """Two revisions side by side: what changed in the title, excerpt and body."""
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        versions = list(Version.objects.get_for_object(entry).select_related("revision"))
        chosen = {v.pk: v for v in versions}
        older = chosen.get(parse_id(request.GET.get("a"))) or (
            versions[1] if len(versions) > 1 else None
        )
        newer = chosen.get(parse_id(request.GET.get("b"))) or (versions[0] if versions else None)
        tables = []
        if older and newer:
            for field in ("title", "excerpt", "body", "status"):
                before = str(older.field_dict.get(field, "")).splitlines()
                after = str(newer.field_dict.get(field, "")).splitlines()
                if before != after:
                    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
                        before,
                        after,
                        gettext("Revision %(pk)s") % {"pk": older.pk},
                        gettext("Revision %(pk)s") % {"pk": newer.pk},
                        context=True,
                    )
                    tables.append((field, table))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": entry,
            "title": gettext("Compare revisions of %(title)s") % {"title": entry.display_title},
            "versions": versions,
            "older": older,
            "newer": newer,
            "tables": tables,
        }
        return TemplateResponse(request, "admin/blog/compare.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        extra = {}
        if (pk := parse_id(object_id)) is not None:  # else Django answers "doesn't exist"
            entry = self.get_object(request, object_id)
            extra = {
                "preview_url": reverse("admin:{}_{}_preview_existing".format(*info), args=[pk]),
                "compare_url": reverse("admin:{}_{}_compare".format(*info), args=[pk]),
                "publish_box": self.publish_box(request, entry),
                "media_config": self.media_config(request, entry),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        extra = {
            "preview_url": reverse("admin:{}_{}_preview".format(*info)),
            "publish_box": self.publish_box(request, None),
            "media_config": self.media_config(request, None),
        }
        return super().add_view(request, form_url, {**extra, **(extra_context or {})})


@admin.register(Post)
class PostAdmin(EntryAdmin):
    list_display = [
        "title_and_state",
        "author",
        "category_list",
        "tag_list",
        "comments",
        "views",
        "date_and_status",
    ]
    list_filter = ["status", "categories", "author", MonthFilter, "is_sticky"]
    autocomplete_fields = ["featured_image", "categories", "tags"]
    actions = [*EntryAdmin.actions, "stick", "unstick"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt"]}),
        (_("Publish"), {"fields": ["status", "published_at", "author", "password", "is_sticky"]}),
        (_("Categories and tags"), {"fields": ["categories", "tags", "new_tags"]}),
        (_("Featured image"), {"fields": ["featured_image"]}),
        (_("Source"), {"fields": ["source_name", "source_url"], "classes": ["collapse"]}),
        (_("Discussion"), {"fields": ["comment_status", "ping_status"]}),
        (_("Stats"), {"fields": ["views_chart"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories", "tags")

    @admin.display(description=_("Categories"))
    def category_list(self, post):
        return format_html_join(", ", "{}", ((c.name,) for c in post.categories.all())) or "\u2014"

    @admin.display(description=_("Tags"))
    def tag_list(self, post):
        return format_html_join(", ", "{}", ((t.name,) for t in post.tags.all())) or "\u2014"

    @admin.action(description=_("Make sticky"), permissions=["publish"])
    def stick(self, request, queryset):
        changed = queryset.filter(pk__in=[p.pk for p in self._changeable(request, queryset)])
        count = changed.update(is_sticky=True)
        freshness.content_changed()  # an update() sends no signal
        self._say(request, gettext("%(count)d %(noun)s made sticky."), count)

    @admin.action(description=_("Make not sticky"), permissions=["publish"])
    def unstick(self, request, queryset):
        changed = queryset.filter(pk__in=[p.pk for p in self._changeable(request, queryset)])
        count = changed.update(is_sticky=False)
        freshness.content_changed()
        self._say(request, gettext("%(count)d %(noun)s unstuck."), count)


@admin.register(Page)
class PageAdmin(EntryAdmin):
    post_type = PostType.PAGE
    list_display = [
        "title_and_state",
        "parent",
        "menu_order",
        "author",
        "comments",
        "views",
        "date_and_status",
    ]
    list_filter = ["status", "author", MonthFilter]
    ordering = ["parent__id", "menu_order", "title"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        (_("Publish"), {"fields": ["status", "published_at", "author", "password"]}),
        (_("Page attributes"), {"fields": ["parent", "menu_order"]}),
        (_("Featured image"), {"fields": ["featured_image"]}),
        (_("Discussion"), {"fields": ["comment_status", "ping_status"]}),
        (_("Stats"), {"fields": ["views_chart"]}),
    ]

    def type_allowed(self, request):
        return request.user.has_perm("blog.edit_pages")

    def get_changeform_initial_data(self, request):
        # Pages take no comments or pings unless asked, as in WordPress.
        return {
            **super().get_changeform_initial_data(request),
            "comment_status": "closed",
            "ping_status": "closed",
        }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Page.objects.exclude(status=Status.TRASH)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
