"""Categories (hierarchical) and tags."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True, verbose_name=_("slug"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})

    def with_descendants(self):
        """This category and all below it: a category archive lists sub-categories' posts."""
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        found, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = {pk for pk, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return found


class Tag(models.Model):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True, verbose_name=_("slug"))

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})
