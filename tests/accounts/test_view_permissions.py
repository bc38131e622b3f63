"""Every page, for every role: no permission, permission, and constrained (scoped) permission.

Generated NetBox-style: each page names the roles allowed; every other role gets 403,
the anonymous public is sent to sign in.
"""

from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

EVERYONE = set(Role.values)
# Every role that reads rows; the ministry reads figures only (docs/boards.md).
ROW_READERS = EVERYONE - {Role.MINISTRY}
PAGES: dict[str, set[str]] = {
    "/": EVERYONE,
    "/registry/institutions/": ROW_READERS,
    "/registry/institutions/{a}/": ROW_READERS,
    "/accounts/audit/": {Role.BOARD_ADMIN},
    "/accounts/api-token/": EVERYONE,
    "/accounts/password/change/": EVERYONE,
}
CASES = [(path, role, role in allowed) for path, allowed in PAGES.items() for role in Role.values]


@pytest.mark.parametrize(("path", "role", "allowed"), CASES)
def test_page_answers_by_role(
    path: str,
    role: str,
    allowed: bool,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    school_a: Institution,
) -> None:
    client = signed_in(make_user(role, [school_a]))
    response = client.get(path.format(a=school_a.pk))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/"])
def test_anonymous_public_is_sent_to_sign_in(path: str, school_a: Institution) -> None:
    response = Client().get(path.format(a=school_a.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [Role.INSTITUTION_HEAD, Role.INSTITUTION_STAFF, Role.CENTRE_STAFF])
def test_scoped_roles_get_404_outside_their_institutions(
    role: str,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    school_a: Institution,
    school_b: Institution,
) -> None:
    client = signed_in(make_user(role, [school_a]))
    assert client.get(f"/registry/institutions/{school_b.pk}/").status_code == 404


def test_menu_shows_the_audit_trail_only_to_board_administrators(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    admin_page = signed_in(make_user(Role.BOARD_ADMIN)).get("/").content.decode()
    analyst_page = signed_in(make_user(Role.BOARD_ANALYST)).get("/").content.decode()
    assert 'href="/accounts/audit/"' in admin_page
    assert 'href="/accounts/audit/"' not in analyst_page
