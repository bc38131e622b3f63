"""`manage.py load_demo`: one user per role, the seed's institutions, safe to run twice."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = pytest.mark.django_db


def test_demo_data_gives_one_user_per_role_and_the_seed_institutions() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert Institution.objects.filter(name="Daugavpils Zinātņu vidusskola").exists()
    assert Institution.objects.filter(name="Daugavpils Inovāciju centrs", type="innovation_centre").exists()
    head = User.objects.get(role=Role.INSTITUTION_HEAD)
    assert head.check_password("eduboard-demo-2024")
    assert list(head.institutions.values_list("name", flat=True)) == ["Daugavpils Zinātņu vidusskola"]


def test_loading_the_demo_twice_changes_nothing() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Institution.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Institution.objects.count()) == counts


@override_settings(DEMO_DATA_ALLOWED=False)
def test_demo_data_is_refused_in_production() -> None:
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert User.objects.count() == 0
