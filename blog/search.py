"""Full-text search over what readers may see, ranked, title matches first.

One interface, two engines chosen by the database in use: SQLite's FTS5 on the embedded
default (a `blog_post_fts` table), PostgreSQL's own search (SearchVector, SearchRank and a GIN
index on `Post.search_vector`) on PostgreSQL. The index follows every save after commit.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
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

    def ranked(self, queryset, words):
        # Every word quoted: FTS5 operators (AND, NEAR, *, ^, column filters) become plain words.
        match = " ".join(f'"{word}"' for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM blog_post_fts WHERE blog_post_fts MATCH %s "
                "ORDER BY bm25(blog_post_fts, 10.0, 4.0, 1.0) LIMIT %s",
                [match, MAX_RESULTS],
            )
            ids = [row[0] for row in cursor.fetchall()]
        posts = queryset.in_bulk(ids)
        return [posts[pk] for pk in ids if pk in posts]


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

    def ranked(self, queryset, words):
        query = SearchQuery(" ".join(words), search_type="plain", config=POSTGRES_CONFIG)
        return list(
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at")[:MAX_RESULTS]
        )


def engine():
    return PostgresSearch() if connection.vendor == "postgresql" else SQLiteFTS5()


def index_post(post_id):
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        engine().remove(post_id)
    else:
        engine().index(post)


def search(queryset, query):
    """Posts of `queryset` matching every word of `query`: title matches first, then rank."""
    words = words_of(query)
    if not words:
        return []
    results = engine().ranked(queryset, words)
    lowered = [word.lower() for word in words]

    def title_matches(post):
        title = post.title.lower()
        return all(word in title for word in lowered)

    return sorted(results, key=lambda post: not title_matches(post))
