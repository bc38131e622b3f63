"""A change of what a user may do (role, superuser, institutions, active) revokes their API tokens at once, from
the administration pages as from code, and the audit trail says so."""

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def me(secret: str) -> Any:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/me/")


def admin_form(user: User, **changes: Any) -> dict[str, Any]:
    """What the administration's user page posts for `user`, with `changes`."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "",
        "role": user.role,
        "institutions": [str(pk) for pk in user.institutions.values_list("pk", flat=True)],
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_a_head_made_board_administrator_loses_the_tokens_made_as_head(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], school_a: Institution, english: None
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, institutions=[school_a])
    _token, secret = api_token_create(account=head, name="school's script", lifetime_days=365)
    answer = me(secret)
    assert answer.status_code == 200
    assert answer.json()["role"] == Role.INSTITUTION_HEAD
    admin = make_user(Role.BOARD_ADMIN, is_staff=True)
    saved = signed_in(admin).post(
        f"/backoffice/accounts/user/{head.pk}/change/", admin_form(head, role=Role.BOARD_ADMIN)
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    head.refresh_from_db()
    assert head.role == Role.BOARD_ADMIN
    # The token would now answer as the board, without the second factor the board's role needs: it is refused.
    refused = me(secret)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    entry = LogEntry.objects.get_for_object(head).filter(additional_data__api_tokens_revoked=1).get()
    assert entry.additional_data["reason"] == "role"
    assert entry.actor == admin


def test_institutions_added_or_removed_revoke_the_tokens(
    make_user: Callable[..., User], school_a: Institution, school_b: Institution
) -> None:
    staff = make_user(Role.INSTITUTION_STAFF, institutions=[school_a])
    _token, first = api_token_create(account=staff, name="first")
    staff.institutions.add(school_b)
    assert me(first).status_code == 401
    _token, second = api_token_create(account=staff, name="second")
    assert me(second).status_code == 200
    school_a.users.remove(staff)  # from the institution's side too
    assert me(second).status_code == 401
    _token, third = api_token_create(account=staff, name="third")
    staff.institutions.set([school_b])  # no change: the token goes on working
    assert me(third).status_code == 200
    staff.institutions.clear()
    assert me(third).status_code == 401
    reasons = (
        LogEntry.objects.get_for_object(staff)
        .exclude(additional_data=None)
        .values_list("additional_data__reason", flat=True)
    )
    assert list(reasons) == ["institutions"] * 3


def test_becoming_superuser_or_inactive_revokes_but_a_new_name_does_not(make_user: Callable[..., User]) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    _token, secret = api_token_create(account=analyst, name="script")
    analyst.last_name = "Jaunā"
    analyst.save()
    assert me(secret).status_code == 200
    analyst.is_superuser = True
    analyst.save(update_fields=["is_superuser"])
    assert me(secret).status_code == 401
    assert ApiToken.objects.get(user=analyst).revoked_at is not None
    _token, again = api_token_create(account=analyst, name="again")
    analyst.is_active = False
    analyst.save()
    assert me(again).status_code == 401
