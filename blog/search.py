"""Full-text search over what readers may see, ranked, title matches first.

One interface, two engines chosen by the database in use: SQLite's FTS5 on the embedded
default (a `blog_post_fts` table), PostgreSQL's own search (SearchVector, SearchRank and a GIN
index on `Post.search_vector`) on PostgreSQL. The index follows every save after commit. The
database ranks and pages the matching IDs; only the posts of the page asked for are loaded.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.db import connection
from django.db.models import F, Value

from .content import plain_text
from .models import Post

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12
MAX_RESULTS = 1000
POSTGRES_CONFIG = "english"


def words_of(query):
    """The words of a reader's query; quotes, operators and punctuation are dropped."""
    return WORD_RE.findall(query[:500])[:MAX_WORDS]


def searchable_text(post):
    """(excerpt, body) as plain text, as any reader may see them: a password-protected post is
    found by its title only."""
    content = post.visible_content()
    return plain_text(content.excerpt), plain_text(content.body)


class SQLiteFTS5:
    def index(self, post):
        excerpt, body = searchable_text(post)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM blog_post_fts WHERE rowid = %s", [post.pk])
            cursor.execute(
                "INSERT INTO blog_post_fts (rowid, title, excerpt, body) VALUES (%s, %s, %s, %s)",
                [post.pk, post.title, excerpt, body],
            )

    def remove(self, post_id):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM blog_post_fts WHERE rowid = %s", [post_id])

    def _matches(self, queryset, words):
        """FROM … WHERE for the rows of `queryset` matching every word, and its parameters."""
        # Every word quoted: FTS5 operators (AND, NEAR, *, ^, column filters) become plain words.
        match = " ".join(f'"{word}"' for word in words)
        visible, params = queryset.order_by().values("pk").query.sql_with_params()
        sql = (
            "FROM blog_post_fts WHERE blog_post_fts MATCH %s "
            f"AND blog_post_fts.rowid IN ({visible})"
        )
        return sql, [match, *params], match

    def count(self, queryset, words):
        sql, params, _ = self._matches(queryset, words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s)", [*params, MAX_RESULTS]
            )
            return cursor.fetchone()[0]

    def ranked_ids(self, queryset, words, start, stop):
        sql, params, match = self._matches(queryset, words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT blog_post_fts.rowid {sql} ORDER BY blog_post_fts.rowid IN "
                "(SELECT rowid FROM blog_post_fts WHERE blog_post_fts MATCH %s) DESC, "
                "bm25(blog_post_fts, 10.0, 4.0, 1.0), blog_post_fts.rowid DESC LIMIT %s OFFSET %s",
                [*params, f"title : ({match})", stop - start, start],
            )
            return [row[0] for row in cursor.fetchall()]


class PostgresSearch:
    def index(self, post):
        excerpt, body = searchable_text(post)
        vector = (
            SearchVector(Value(post.title), weight="A", config=POSTGRES_CONFIG)
            + SearchVector(Value(excerpt), weight="B", config=POSTGRES_CONFIG)
            + SearchVector(Value(body), weight="C", config=POSTGRES_CONFIG)
        )
        Post.objects.filter(pk=post.pk).update(search_vector=vector)

    def remove(self, post_id):
        pass  # the vector goes with its row

    def _ranked(self, queryset, words):
        query = SearchQuery(" ".join(words), search_type="plain", config=POSTGRES_CONFIG)
        title = SearchVector("title", config=POSTGRES_CONFIG)
        return (
            queryset.filter(search_vector=query)
            .annotate(title_hit=SearchVectorExact(title, query))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-title_hit", "-rank", "-published_at", "-pk")
            .values_list("pk", flat=True)
        )

    def count(self, queryset, words):
        return self._ranked(queryset, words).order_by()[:MAX_RESULTS].count()

    def ranked_ids(self, queryset, words, start, stop):
        return list(self._ranked(queryset, words)[start:stop])


def engine():
    return PostgresSearch() if connection.vendor == "postgresql" else SQLiteFTS5()


_indexed_by_caller = ContextVar("indexed_by_caller", default=False)


@contextmanager
def indexed_by_caller():
    """Saves inside this block are not indexed after commit: the caller (a bulk import)
    indexes its posts itself, in its own transaction, with `index_saved`."""
    token = _indexed_by_caller.set(True)
    try:
        yield
    finally:
        _indexed_by_caller.reset(token)


def indexing_after_commit():
    return not _indexed_by_caller.get()


def index_saved(post):
    """Index a post just saved, inside the caller's transaction."""
    engine().index(post)


def index_post(post_id):
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        engine().remove(post_id)
    else:
        engine().index(post)


class RankedPosts:
    """A search's matches, ranked by the database, as a paginator wants them: counting is one
    query, a slice is one query for its IDs and one load of just those posts."""

    def __init__(self, queryset, words):
        self.queryset = queryset
        self.words = words
        self._count = None

    def count(self):
        if self._count is None:
            self._count = engine().count(self.queryset, self.words) if self.words else 0
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _ = index.indices(self.count())
        if start >= stop:
            return []
        ids = engine().ranked_ids(self.queryset, self.words, start, stop)
        posts = self.queryset.in_bulk(ids)
        return [posts[pk] for pk in ids if pk in posts]


def search(queryset, query):
    """Posts of `queryset` matching every word of `query`: title matches first, then rank,
    at most MAX_RESULTS of them."""
    return RankedPosts(queryset, words_of(query))
