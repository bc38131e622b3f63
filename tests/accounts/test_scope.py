"""A head of one institution never reads another institution's data, by page or API."""

from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_head_of_school_cannot_open_another_schools_page(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], school_a: Institution, school_b: Institution
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    assert client.get(f"/registry/institutions/{school_a.pk}/").status_code == 200
    assert client.get(f"/registry/institutions/{school_b.pk}/").status_code == 404


def test_head_of_school_lists_only_own_school(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], school_a: Institution, school_b: Institution
) -> None:
    page = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a])).get("/registry/institutions/").content.decode()
    assert school_a.name in page
    assert school_b.name not in page


def test_head_of_school_cannot_read_another_school_through_the_api(
    make_user: Callable[..., User], school_a: Institution, school_b: Institution
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=head, name='tests')[1]}")
    listed = client.get("/api/registry/institutions/").json()
    assert [row["registration_number"] for row in listed["results"]] == [school_a.registration_number]
    assert client.get(f"/api/registry/institutions/{school_b.pk}/").status_code == 404
    assert client.get(f"/api/registry/institutions/{school_a.pk}/").status_code == 200


def test_board_analyst_sees_every_institution(
    make_user: Callable[..., User], school_a: Institution, school_b: Institution
) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=analyst, name='tests')[1]}")
    numbers = {row["registration_number"] for row in client.get("/api/registry/institutions/").json()["results"]}
    assert numbers == {school_a.registration_number, school_b.registration_number}


def test_anonymous_public_reads_no_institution_data(school_a: Institution) -> None:
    client = Client()
    assert client.get("/api/registry/institutions/").status_code in {401, 403}
    response = client.get(f"/registry/institutions/{school_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_analyst_may_read_but_not_write_through_the_api(make_user: Callable[..., User], school_a: Institution) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=analyst, name='tests')[1]}")
    assert client.get(f"/api/registry/institutions/{school_a.pk}/").status_code == 200
    assert client.delete(f"/api/registry/institutions/{school_a.pk}/").status_code in {403, 405}
