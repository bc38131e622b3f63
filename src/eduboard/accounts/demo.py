"""Demonstration users, one per role, with one shared demonstration password."""

from __future__ import annotations

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution

DEMO_PASSWORD = "eduboard-demo-2024"  # noqa: S105 - printed by `make demo`; load_demo refuses to run in production
# The demo board administrator's authenticator key (base32), so the second factor can be tried at once.
DEMO_ADMIN_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

# (username, first name, last name, role, registration numbers of the institutions in scope)
USERS: list[tuple[str, str, str, str, list[str]]] = [
    ("admin", "Anna", "Administratore", Role.BOARD_ADMIN, []),
    ("analyst", "Andris", "Analītiķis", Role.BOARD_ANALYST, []),
    ("head", "Inese", "Direktore", Role.INSTITUTION_HEAD, ["9000000011"]),
    ("staff", "Pēteris", "Skolotājs", Role.INSTITUTION_STAFF, ["9000000001"]),
    ("centre", "Ilze", "Centra", Role.CENTRE_STAFF, ["9000000041"]),
    ("observer", "Olga", "Metodiķe", Role.OBSERVER, []),
    ("ministry", "Māris", "Ministrijas", Role.MINISTRY, []),
]


def _demo_user(username: str, first_name: str, last_name: str, role: str) -> User:
    """One demonstration user, made or brought back to its role, with the shared demonstration password."""
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@eduboard.invalid",
            "role": role,
            "is_staff": role == Role.BOARD_ADMIN,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def load(institutions: dict[str, Institution]) -> list[User]:
    """Create or update one user per role; the board administrator gets a known TOTP key."""
    users = []
    for username, first_name, last_name, role, numbers in USERS:
        user = _demo_user(username, first_name, last_name, role)
        user.institutions.set([institutions[number] for number in numbers])
        if role == Role.BOARD_ADMIN:
            TOTPDevice.objects.update_or_create(
                user=user, name="demo", defaults={"key": DEMO_ADMIN_TOTP_KEY_HEX, "confirmed": True}
            )
        users.append(user)
    return users


#: Users of a deployment of two boards (`load_demo --boards 2`): the second board's analyst.
BOARDS_USERS: list[tuple[str, str, str, str, str]] = [
    ("rezekne", "Rita", "Rēzekniete", Role.BOARD_ANALYST, "rezekne"),
]


def load_boards_users() -> list[User]:
    """The users of a deployment of several boards (the first board's users were given the first board when the
    second was made: `registry.board_services.board_create`)."""
    users = []
    for username, first_name, last_name, role, board_code in BOARDS_USERS:
        user = _demo_user(username, first_name, last_name, role)
        user.boards.set(Board.objects.filter(code=board_code))
        users.append(user)
    return users


def demo_admin_totp_key() -> str:
    """The demo administrator's key in base32, as authenticator apps take it."""
    return b32encode(bytes.fromhex(DEMO_ADMIN_TOTP_KEY_HEX)).decode()
