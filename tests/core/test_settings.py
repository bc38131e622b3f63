"""Settings come from the environment; production is strict."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    ignored = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last is set by browser tests
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True, env=environment, check=False
    )


def test_production_deploy_check_reports_no_warnings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k" * 10 + "Q7v!x9Zr#p2Lm$w8Tn&b4Yc^e6Hs*d1Gf(j3Ku)o5Ia-q0Ol",
        ALLOWED_HOSTS="eduboard.example.lv",
        DATABASE_URL="sqlite:////tmp/eduboard-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="eduboard.example.lv")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_turns_debug_off_and_cookies_secure() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    environment = dict(
        os.environ, DJANGO_ENV="production", SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="eduboard.settings"
    )
    environment.pop("DEBUG", None)
    environment["PYTHONPATH"] = str(ROOT / "src")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)  # noqa: S603
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_database_comes_from_database_url() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    )
    environment = dict(
        os.environ,
        DATABASE_URL="postgres://someone@db.example.lv:5432/eduboard",
        DJANGO_SETTINGS_MODULE="eduboard.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)  # noqa: S603
    assert result.stdout.strip() == "django.db.backends.postgresql"


def _debug_setting(**env: str) -> str:
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ENV"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="eduboard.settings", PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)  # noqa: S603
    return result.stdout.strip()


def test_debug_is_off_in_development_unless_asked_for() -> None:
    # The demonstration (runserver in development) shows the friendly error pages, never Django's
    # technical 404 page with the list of URL patterns.
    assert _debug_setting() == "False"
    assert _debug_setting(DEBUG="1") == "True"


def test_an_unknown_django_env_stops_the_start_naming_the_allowed_values() -> None:
    code = "import django; django.setup()"
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(DJANGO_ENV="prod", DJANGO_SETTINGS_MODULE="eduboard.settings", PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False)  # noqa: S603
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ENV='prod' is not known" in result.stderr
    assert "development, production" in result.stderr
    # The development default (unset) and the two known values start.
    for value in ("development", "production"):
        environment.update(DJANGO_ENV=value, SECRET_KEY="x" * 60)
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)  # noqa: S603
