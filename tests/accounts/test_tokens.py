"""API tokens: stored hashed, shown once, listed and revoked by their owner, refused when expired or revoked,
revoked by a new password or a deactivation, and writes made with them are audited with their user."""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.registry.models import Institution
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PAGE = "/accounts/api-token/"


def api(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {secret}")


def works(secret: str) -> bool:
    return api(secret).get("/api/me/").status_code == 200


def test_token_is_stored_hashed_and_shown_once(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.BOARD_ANALYST)
    client = signed_in(user)
    made = client.post(PAGE, {"name": "Statistics script", "lifetime_days": 30})
    assert made.status_code == 200
    secret = made.context["secret"]
    assert secret in made.content.decode()
    assert made["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.key_hash}
    assert secret.startswith(token.prefix)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    listed = client.get(PAGE).content.decode()
    assert "Statistics script" in listed
    assert f"{token.prefix}…" in listed
    assert secret not in listed
    assert works(secret)


def test_a_user_may_hold_several_tokens_and_revoke_one(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.BOARD_ANALYST)
    first, first_secret = api_token_create(account=user, name="first")
    _second, second_secret = api_token_create(account=user, name="second")
    client = signed_in(user)
    assert client.get(f"{PAGE}{first.pk}/revoke/").status_code == 405
    assert client.post(f"{PAGE}{first.pk}/revoke/").status_code == 302
    assert not works(first_secret)
    assert works(second_secret)


def test_nobody_revokes_another_users_token(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    token, secret = api_token_create(account=make_user(Role.BOARD_ANALYST), name="theirs")
    assert signed_in(make_user(Role.BOARD_ANALYST)).post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert works(secret)


def test_expired_revoked_wrong_and_inactive_users_tokens_are_refused(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    expired, expired_secret = api_token_create(account=user, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(expired_secret).get("/api/me/").status_code == 401
    _token, secret = api_token_create(account=user, name="live")
    assert api(secret[:-1] + ("A" if secret[-1] != "A" else "B")).get("/api/me/").status_code == 401
    User.objects.filter(pk=user.pk).update(is_active=False)  # even without the revocation on save
    assert api(secret).get("/api/me/").status_code == 401


def test_use_of_a_token_is_recorded(make_user: Callable[..., User]) -> None:
    token, secret = api_token_create(account=make_user(Role.BOARD_ANALYST), name="script")
    assert token.last_used_at is None
    assert works(secret)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_lifetime_defaults_to_the_setting_and_is_at_most_a_year(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    token, _secret = api_token_create(account=user, name="default")
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)) < timedelta(seconds=5)
    with pytest.raises(ValidationError):
        api_token_create(account=user, name="too long", lifetime_days=366)
    with pytest.raises(ValidationError):
        api_token_create(account=user, name="  ")


def test_password_change_page_revokes_every_token(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.BOARD_ANALYST)
    secrets = [api_token_create(account=user, name=name)[1] for name in ("one", "two")]
    new_password = "Daugava-river-2024-autumn"
    response = signed_in(user).post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert not any(works(secret) for secret in secrets)


def test_password_reset_and_set_password_revoke_every_token(make_user: Callable[..., User]) -> None:
    user = make_user(Role.INSTITUTION_STAFF, email="teacher@example.lv")
    _token, secret = api_token_create(account=user, name="reset")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "teacher@example.lv"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    new_password = "Daugava-river-2024-autumn"
    client.post(form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password})
    assert not works(secret)
    _token, secret = api_token_create(account=user, name="shell")
    user.refresh_from_db()
    user.set_password("Another-long-password-7")  # as the admin's password form and the shell do
    user.save()
    assert not works(secret)


def test_deactivating_a_user_revokes_every_token(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    token, _secret = api_token_create(account=user, name="script")
    user.is_active = False
    user.save()
    token.refresh_from_db()
    assert token.revoked_at is not None


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_rehashing_an_unchanged_password_at_sign_in_keeps_the_tokens(make_user: Callable[..., User]) -> None:
    user = make_user(Role.BOARD_ANALYST)
    weak_hash = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=weak_hash)
    _token, secret = api_token_create(account=user, name="script")
    assert Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password != weak_hash  # Django upgraded the hash ...
    assert works(secret)  # ... which is no new password


def test_second_factor_roles_make_tokens_only_from_a_verified_session(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], english: None
) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    assert signed_in(admin).post(PAGE, {"name": "verified", "lifetime_days": 7}).status_code == 200
    assert ApiToken.objects.filter(user=admin, name="verified").exists()
    # Should the middleware ever let an unverified session through, the page itself still refuses.
    middleware = [m for m in settings.MIDDLEWARE if m != "eduboard.accounts.middleware.RequireSecondFactorMiddleware"]
    unverified = Client()
    unverified.force_login(admin)
    with override_settings(MIDDLEWARE=middleware):
        assert "second factor" in unverified.get(PAGE).context["refusal"]
        refused = unverified.post(PAGE, {"name": "unverified", "lifetime_days": 7})
    assert refused.status_code == 403
    assert not ApiToken.objects.filter(user=admin, name="unverified").exists()


def test_a_write_through_the_api_with_a_token_is_audited_with_its_user(
    make_user: Callable[..., User], school_a: Institution
) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    _token, secret = api_token_create(account=admin, name="integration")
    response = api(secret).patch(
        f"/api/registry/institutions/{school_a.pk}/",
        {"short_name": "DZV", "version": school_a.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    entry = LogEntry.objects.get_for_object(school_a).filter(action=LogEntry.Action.UPDATE).latest()
    assert entry.actor == admin
    assert entry.changes_dict["short_name"][1] == "DZV"
