"""Users in WordPress's roles, for the editor's-side tests."""

from django.contrib.auth.models import Group

from tests.factories import UserFactory


def user_with_role(role, username=None):
    user = UserFactory(username=username or role.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    user.set_password("pw-for-tests-only")
    user.save()
    return user
