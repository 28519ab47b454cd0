import datetime
import itertools
import time

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import Category, Discussion, Post, Status, Tag
from comments.forms import CommentForm
from comments.models import Comment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"writer{n}")
    first_name = "Wren"
    last_name = factory.Sequence(lambda n: f"Author{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Field notes number {n}")
    body = "<p>A paragraph written for the test suite.</p>"
    author = factory.SubFactory(UserFactory)
    status = Status.PUBLISH
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    comment_status = Discussion.OPEN
    ping_status = Discussion.OPEN

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    content_object = factory.SubFactory(PostFactory)
    site_id = settings.SITE_ID
    user_name = factory.Sequence(lambda n: f"Reader {n}")
    user_email = factory.Sequence(lambda n: f"reader{n}@example.com")
    comment = "A thoughtful response."
    submit_date = factory.LazyFunction(timezone.now)
    state = "approved"
    parent_id = 0


def comment_form_data(post, served_seconds_ago=10, **fields):
    """What the Leave a Reply form posts for `post`, as if the page was served a while ago."""
    form = CommentForm(post)
    data = form.generate_security_data()
    data["token"] = form.make_token(issued=time.time() - served_seconds_ago)
    data.update(
        {
            "name": "Juno Reader",
            "email": "juno@example.com",
            "url": "",
            "comment": "Lovely piece, thank you.",
            "reply_to": "0",
        }
    )
    data.update(fields)
    return data


_addresses = itertools.count(1)


def reader_address():
    """A distinct documentation-range address per simulated reader (never connected to)."""
    n = next(_addresses)
    return f"198.51.100.{n % 250 + 1}" if n < 250 else f"203.0.113.{n % 250 + 1}"


def site_options(**values):
    """Change the site's settings for a test, as an administrator would under Settings."""
    from blog.models import SiteOptions

    options = SiteOptions.get()
    for name, value in values.items():
        setattr(options, name, value)
    options.save()
    return options
