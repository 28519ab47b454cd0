"""Application passwords, as WordPress 5.6+ has them: named, per user, shown once, stored
hashed, good for the APIs only (never for the admin login)."""

import secrets
import string
import uuid

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone

ALPHABET = string.ascii_letters + string.digits
LENGTH = 24


class ApplicationPassword(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_passwords"
    )
    name = models.CharField(max_length=200, help_text="What uses it, e.g. “Phone app”.")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    password = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    last_ip = models.GenericIPAddressField("last IP", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "application password"

    def __str__(self):
        return self.name

    @classmethod
    def create_for(cls, user, name):
        """A new password for `user`: (record, the password in WordPress's groups of four),
        the only time the plain password exists."""
        plain = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        record = cls.objects.create(user=user, name=name, password=make_password(plain))
        return record, " ".join(plain[i : i + 4] for i in range(0, LENGTH, 4))

    @classmethod
    def matching(cls, user, given):
        """The user's application password equal to `given` (spaces ignored), or None."""
        plain = "".join(given.split())
        if len(plain) != LENGTH:
            return None
        for record in cls.objects.filter(user=user):
            if check_password(plain, record.password):
                return record
        return None

    def mark_used(self, ip):
        self.last_used_at, self.last_ip = timezone.now(), ip
        self.save(update_fields=["last_used_at", "last_ip"])


class ImportedRow(models.Model):
    """A row an import run created, kept until the run ends: the import commits in short
    batches so readers are never locked out, and a run that fails deletes what these list."""

    run = models.CharField(max_length=32, db_index=True)
    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.model} {self.object_id} (import {self.run})"
