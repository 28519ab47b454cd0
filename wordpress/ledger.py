"""What an import run has created, written in the same batch transactions as the rows
themselves, so a failed run (even one whose process died) can remove exactly those rows."""

import uuid
from collections import defaultdict

from django.apps import apps
from django.db import connection, transaction

from .models import ImportedRow

CHUNK = 500


class Ledger:
    def __init__(self, run=None):
        self.run = run or uuid.uuid4().hex
        self.pending = []

    def add(self, model, pk):
        self.pending.append((self.run, model._meta.label, pk))

    def flush(self):
        """Record what the current batch created; call inside the batch's transaction. Plain
        rows by executemany: a ledger entry for each of thousands of comments a batch."""
        if self.pending:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(name) for name in ("run", "model", "object_id"))
            sql = f"INSERT INTO {quote(ImportedRow._meta.db_table)} ({columns}) VALUES (%s, %s, %s)"
            with connection.cursor() as cursor:
                cursor.executemany(sql, self.pending)
            self.pending = []

    def forget(self):
        """The run succeeded: its rows are simply content now."""
        self.pending = []
        ImportedRow.objects.filter(run=self.run).delete()

    def undo(self):
        """Delete every row the run created, newest kinds first, in short transactions."""
        self.pending = []
        undo_run(self.run)


# Dependants before what they depend on: comments before posts, posts before terms and users.
UNDO_ORDER = [
    "comments.Comment",
    "blog.OldSlug",
    "blog.PostViews",
    "blog.Media",
    "blog.Post",
    "blog.Tag",
    "blog.Category",
]


def undo_run(run):
    rows = ImportedRow.objects.filter(run=run)
    by_model = defaultdict(list)
    for label, pk in rows.values_list("model", "object_id").iterator():
        by_model[label].append(pk)
    labels = [label for label in UNDO_ORDER if label in by_model]
    labels += [label for label in by_model if label not in UNDO_ORDER]  # users last
    for label in labels:
        model = apps.get_model(label)
        ids = by_model[label]
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                model._base_manager.filter(pk__in=ids[start : start + CHUNK]).delete()
    while ImportedRow.objects.filter(run=run).exists():
        with transaction.atomic():
            chunk = list(rows.values_list("pk", flat=True)[:5000])
            ImportedRow.objects.filter(pk__in=chunk).delete()
