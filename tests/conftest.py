"""Fixtures shared by every test area."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution
from tests.demo_data import ReadDemo, T
from tests.factories import InstitutionFactory, UserFactory, totp_device_for

#: Which database each test runs on: tests/database_decision.py (README, "Tests").
pytest_plugins = ["tests.database_decision", "tests.scheduling"]


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hasher: the real one takes a noticeable part of a second per user, by design."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test code's own queries name every board, as a command's do (core.board_wall); requests and tasks name
    # their own.
    from eduboard.core import board_wall

    board_wall.set_process_scope(board_wall.ALL)
    # Each test process its own cache (throttles, export limits), emptied before every test (below).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A cached figure that reads what its tokens do not cover fails the test that computes it (core.figures_cache).
    settings.FIGURES_STRICT = True
    # The credentials' private signing keys (a course certificate issued in any test signs one): a directory of this
    # test process's own, removed at its end, never var/credential-keys; the environment too, for the `manage.py`
    # a test runs in a process of its own (the backup drill's demonstration data).
    keys = tempfile.mkdtemp(prefix="eduboard-credential-keys-")
    atexit.register(shutil.rmtree, keys, ignore_errors=True)
    settings.CREDENTIAL_KEYS_DIR = keys
    os.environ["CREDENTIAL_KEYS_DIR"] = keys
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A test's commit need not wait for the disk (the test database is thrown away): the tests that commit
        # (transaction=True, TRUNCATE after each) then cost what they cost on a machine with a fast disk.
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment: None, django_db_blocker: Any, django_db_modify_db_settings: None
) -> Iterator[None]:
    """The test process's database: a copy of the database the pass migrated once (tests/template_db.py), removed at
    the process's end."""
    from tests import demo_data, template_db

    with django_db_blocker.unblock():
        original = template_db.set_up()
        demo_data.keep_migrated()
    yield
    with django_db_blocker.unblock():
        template_db.tear_down(original)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from tests import demo_data

    cache.clear()
    if demo_data.content_types_moved:  # the ids the cache holds may have gone with an earlier test's transaction
        ContentType.objects.clear_cache()


WALL_PROBE = "eduboard_wall_probe"


@pytest.fixture(autouse=True)
def under_the_wall(request: pytest.FixtureRequest) -> None:
    """`WALL_PROBE=1` on PostgreSQL: every test in a transaction of its own runs as a role that is neither a superuser
    nor BYPASSRLS, as the application's database user is in production, so the board wall (core.board_wall) holds
    its requests, tasks and commands as it would there (a diagnostic run: `WALL_PROBE=1 make pytest-postgres`)."""
    import os

    if os.environ.get("WALL_PROBE") != "1":
        return
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction") or (marker.args and marker.args[0]):
        return
    request.getfixturevalue("_django_db_helper")
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {WALL_PROBE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {WALL_PROBE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {WALL_PROBE}")
        cursor.execute(f"SET LOCAL ROLE {WALL_PROBE}")


@pytest.fixture
def school_a(db: None) -> Institution:
    return InstitutionFactory(name="Daugavpils Zinātņu vidusskola", registration_number="9000000011")


@pytest.fixture
def school_b(db: None) -> Institution:
    return InstitutionFactory(name="Daugavpils Centra vidusskola", registration_number="9000000015")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        role: str = Role.INSTITUTION_STAFF, institutions: list[Institution] | None = None, **kwargs: object
    ) -> User:
        return UserFactory(role=role, institutions=institutions or [], **kwargs)

    return make


@pytest.fixture
def signed_in(db: None) -> Callable[[User], Client]:
    """A test client signed in as `user`, past the second factor when the role needs one."""

    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        if user.needs_second_factor:
            device = totp_device_for(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tasks (imports, report files, e-mails) run when enqueued, in the test's process, so a test sees their result
    at once (django-tasks' ImmediateBackend; tests/core/test_jobs.py runs the real worker); uploaded files and
    change logs go to a directory of this test's own (two test processes number their jobs alike); e-mails are
    delivered to django.core.mail.outbox."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The data-quality checks after every import: tests/dataquality runs them; elsewhere an import is its own.
    settings.DATA_CHECK_AFTER_IMPORT = False


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Messages in English (the msgids), for tests that read a message's wording; Latvian is the default
    everywhere else, and tests/core checks the translations."""
    settings.LANGUAGE_CODE = "en"  # pages and the API: the language when no cookie chooses one
    with translation.override("en"):  # services and commands
        yield


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Seed 002's city (`manage.py load_demo`) for the module's tests: each test's own changes roll back to it, and
    the module's end rolls it all back. The demonstration data is loaded once per test process and put back in a
    second after that (tests/demo_data.py)."""
    from tests.demo_data import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def read_demo(django_db_setup: None, django_db_blocker: Any) -> ReadDemo[Any]:
    """`read_demo(read)`: the demonstration data loaded, what `read` reads from it (figures, counts, a second
    `load_demo` run), and all of it rolled back — for a module whose tests check what was read, not the rows."""
    from tests.demo_data import load_demo

    def read_it(read: Callable[[], T]) -> T:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            found = read()
            transaction.set_rollback(True)
        return found

    return read_it
