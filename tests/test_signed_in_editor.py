"""Who a signed-in page is served to: the session's user, its row read once and then again
whenever any user changed (blog/auth_backends.py), so an editor deactivated, deleted or whose
password changed elsewhere is signed out at once (within a second when the change bypassed
Django), and sessions signed in before Inkwell had its own backend stay signed in."""

import threading
import time

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

from blog import auth_backends
from blog.auth_backends import ModelBackend
from tests.factories import PostFactory, UserFactory

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def signed_in(response):
    return 'id="logout-form"' in response.content.decode()


@pytest.fixture
def editor(db):
    return UserFactory(username="marta", is_staff=True, is_superuser=True)


@pytest.fixture
def post(db):
    return PostFactory(title="Signed in or not")


def load(client, post):
    response = client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    assert response.status_code == 200
    return response


def test_a_signed_in_editor_costs_no_query_until_a_user_changes(
    client, editor, post, django_assert_num_queries
):
    another = UserFactory(username="another")
    client.force_login(editor)
    load(client, post)
    with django_assert_num_queries(0):
        response = load(client, post)
    assert signed_in(response) and editor.get_full_name() in response.content.decode()
    another.set_password("a new pass phrase 8")  # any user saved: each is read again
    another.save(update_fields=["password"])
    with django_assert_num_queries(1):
        assert signed_in(load(client, post))


def test_an_editor_deactivated_is_signed_out_at_the_next_page(client, editor, post):
    client.force_login(editor)
    assert signed_in(load(client, post))
    editor.is_active = False
    editor.save()
    assert not signed_in(load(client, post))


def test_an_editor_deactivated_behind_djangos_back_is_signed_out_within_a_second(
    client, editor, post, monkeypatch
):
    monkeypatch.setattr(auth_backends, "USER_KEPT_SECONDS", 0.2)
    client.force_login(editor)
    assert signed_in(load(client, post))
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    time.sleep(0.25)
    assert not signed_in(load(client, post))


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_deactivation_whose_commit_hook_never_ran_signs_out_within_a_second(
    client, post, monkeypatch
):
    monkeypatch.setattr(auth_backends, "USER_KEPT_SECONDS", 0.2)
    editor = UserFactory(username="jonas", is_staff=True, is_superuser=True)
    client.force_login(editor)
    assert signed_in(load(client, post))

    def failing_hook():
        raise Boom

    with pytest.raises(Boom), transaction.atomic():
        transaction.on_commit(failing_hook)  # another app's, registered first: ours is skipped
        editor.is_active = False
        editor.save()
        # Another thread's request before the commit reads the row as it still is.
        reader = threading.Thread(
            target=lambda: (ModelBackend().get_user(editor.pk), connection.close())
        )
        reader.start()
        reader.join()
    assert get_user_model().objects.get(pk=editor.pk).is_active is False  # committed
    time.sleep(0.25)
    assert not signed_in(load(client, post))


def test_an_editor_deleted_is_signed_out_at_the_next_page(client, editor, post):
    client.force_login(editor)
    assert signed_in(load(client, post))
    editor.delete()
    assert not signed_in(load(client, post))


def test_a_password_changed_elsewhere_signs_the_other_sessions_out(client, editor, post):
    client.force_login(editor)
    assert signed_in(load(client, post))
    editor.set_password("another long pass phrase 7")
    editor.save()
    assert not signed_in(load(client, post))


def test_a_session_naming_a_user_who_is_gone_reads_as_signed_out(client, editor, post):
    client.force_login(editor)
    session = client.session
    session[SESSION_KEY] = str(editor.pk + 1000)
    session.save()
    assert not signed_in(load(client, post))


def test_sessions_signed_in_through_djangos_backend_stay_signed_in_after_the_upgrade(
    client, editor, post
):
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(editor.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": editor.get_session_auth_hash(),
        }
    )
    store.create()
    client.cookies["sessionid"] = store.session_key
    assert signed_in(load(client, post))
    assert SessionStore(store.session_key).load()[BACKEND_SESSION_KEY] == (
        "blog.auth_backends.ModelBackend"
    )
    assert signed_in(load(client, post))


def test_the_signed_in_user_is_read_as_the_orm_reads_it(editor, settings):
    settings.TIME_ZONE = "Europe/Warsaw"  # stored dates are UTC either way
    editor.last_login = timezone.now()
    editor.save()
    read = ModelBackend().get_user(editor.pk)
    expected = get_user_model()._default_manager.get(pk=editor.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(read.date_joined) and timezone.is_aware(read.last_login)
    assert read._state.adding is False and read._state.db == expected._state.db


def test_an_id_no_user_can_have_is_no_user(db):
    assert ModelBackend().get_user(2**70) is None
