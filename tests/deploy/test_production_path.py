"""The production path end to end, as docs/operations.md runs it: DJANGO_ENV=production on a fresh PostgreSQL
database, `migrate`, `collectstatic`, `check --deploy`, gunicorn, then a real browser loads the sign-in page and the
hashed static files, signs in and opens a page with a chart. Its log names no child."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import Playwright, Response, expect
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("EDUBOARD_CHROMIUM", "/usr/bin/chromium"))
CHILD_NAME, CHILD_CODE = "Elīza-Kalniņa", "120315-21234"
SETTINGS_MODULE = "production_check_settings"

# Playwright's sync API runs an event loop in this thread (see tests/browser/conftest.py); this test's own process
# touches no database, but the tests after it in the same process may.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.both_databases]


def _server_settings() -> dict[str, str]:
    """The PostgreSQL server: DATABASE_URL's when it names one, else 127.0.0.1:5432 as user postgres."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parsed = dj_database_url.parse(url)
        return {
            "host": str(parsed.get("HOST") or "127.0.0.1"),
            "port": str(parsed.get("PORT") or "5432"),
            "user": str(parsed.get("USER") or "postgres"),
            "password": str(parsed.get("PASSWORD") or ""),
        }
    return {"host": "127.0.0.1", "port": "5432", "user": "postgres", "password": ""}


@pytest.fixture
def production_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (dropped at the end); skipped when no server answers, and in
    the SQLite pass of `make test` (the PostgreSQL pass runs it: production is PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the production path runs in the PostgreSQL pass of make test")
    server = _server_settings()
    try:
        socket.create_connection((server["host"], int(server["port"])), timeout=2).close()
    except OSError:
        pytest.skip(f"no PostgreSQL server answers on {server['host']}:{server['port']}")
    name = f"eduboard_deploy_{uuid.uuid4().hex[:10]}"

    def connect() -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=server["host"],
            port=int(server["port"]),
            user=server["user"],
            password=server["password"],
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    with connect() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = quote(server["user"], safe="")
    if server["password"]:
        credentials += ":" + quote(server["password"], safe="")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with connect() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, so gunicorn speaks HTTPS and the production settings apply unchanged."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _wait_until_it_answers(server: subprocess.Popen[bytes], url: str, cafile: Path, log: Path) -> None:
    context = ssl.create_default_context(cafile=str(cafile))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped with code {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, context=context, timeout=5):  # noqa: S310 - https to our own server
                return
        except urllib.error.HTTPError:
            return  # it answers (the status is the browser's to judge)
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    pytest.fail(f"gunicorn did not answer within a minute:\n{log.read_text()}")


def _template_static_references() -> set[str]:
    folders = [ROOT / "templates", *(ROOT / "src" / "eduboard").glob("*/templates")]
    found: set[str] = set()
    for folder in folders:
        for template in folder.rglob("*.html"):
            found.update(re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""", template.read_text()))
    return found


def test_production_path_serves_pages_and_hashed_static_files_from_gunicorn(
    tmp_path: Path, production_database: str, playwright: Playwright
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup` (it installs Debian's chromium).")
    gunicorn = VENV_BIN / "gunicorn"
    assert gunicorn.exists(), "gunicorn is not installed: it is pinned in requirements.txt (make setup)"

    # Settings do not read STATIC_ROOT from the environment: a module of this test's own takes the production
    # settings whole and collects into the test's folder instead of the repository's var/staticfiles.
    static_root = tmp_path / "staticfiles"
    (tmp_path / f"{SETTINGS_MODULE}.py").write_text(
        '"""The production settings, collecting static files into the test\'s own folder."""\n'
        "from eduboard.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(static_root)!r}\n"
    )
    password = secrets.token_urlsafe(16)
    ignored = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    environment = {key: value for key, value in os.environ.items() if key not in ignored}
    environment.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=production_database,
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT / "src")]),
        CACHE_DIR=str(tmp_path / "cache"),
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="WARNING",
        DEPLOY_TEST_PASSWORD=password,
    )

    # collectstatic (compressing every file) runs beside migrate and the deployment check.
    collectstatic = subprocess.Popen(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    try:
        _run(environment, "migrate", "--noinput")
        check = _run(environment, "check", "--deploy", "--fail-level", "WARNING")
        assert "no issues" in check.stdout, check.stdout + check.stderr
        _run(
            environment,
            "shell",
            "-c",
            "import os\n"
            "from eduboard.accounts.models import User\n"
            "User.objects.create_user('anete', password=os.environ['DEPLOY_TEST_PASSWORD'], role='board_analyst',"
            " first_name='Anete', last_name='Analītiķe')\n",
        )
        collected, _ = collectstatic.communicate(timeout=300)
    finally:
        if collectstatic.poll() is None:
            collectstatic.kill()
            collectstatic.wait()
    assert collectstatic.returncode == 0, f"collectstatic:\n{collected}"

    # Every file a template names is in the manifest (a missing one answers every page with 500).
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert _template_static_references() - set(manifest) == set()
    # A source map a vendored file names is shipped beside it (else collectstatic stops with MissingFileError).
    for source in [*(ROOT / "static").rglob("*.js"), *(ROOT / "static").rglob("*.css")]:
        for reference in re.findall(r"sourceMappingURL=([^\s*]+)", source.read_text()):
            assert (source.parent / reference).exists(), f"{source} names {reference}, which is not shipped"

    cert, key = _self_signed_certificate(tmp_path)
    port = _free_port()
    base = f"https://127.0.0.1:{port}"
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments, the venv's gunicorn
            [
                str(gunicorn),
                "eduboard.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                # As docs/operations.md runs it: a sync worker serves one connection at a time, and a browser's
                # idle speculative connection held the only one past the next request's 30 s.
                "--workers",
                "3",
                "--certfile",
                str(cert),
                "--keyfile",
                str(key),
                "--no-control-socket",  # gunicorn's control socket would live in the home folder, shared
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=tmp_path,
        )
        try:
            _wait_until_it_answers(server, f"{base}/accounts/login/", cert, log_path)
            _browse_the_site(playwright, base, password, static_root)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    logged = log_path.read_text()
    assert "Not Found: /registry/[withheld]" in logged, logged
    for personal in (CHILD_NAME, CHILD_CODE, CHILD_NAME.encode("unicode_escape").decode("ascii")):
        assert personal not in logged, logged


def _browse_the_site(playwright: Playwright, base: str, password: str, static_root: Path) -> None:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--ignore-certificate-errors",  # the test's own certificate
        ],
    )
    try:
        # The browser does not know the test's certificate; everything else is as a visitor's browser has it.
        context = browser.new_context(ignore_https_errors=True, locale="lv-LV")
        page = context.new_page()
        responses: list[Response] = []
        page.on("response", lambda response: responses.append(response))
        console_errors: list[str] = []
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

        answer = page.goto(f"{base}/accounts/login/")
        assert answer is not None
        assert answer.status == 200
        assert "max-age=" in answer.headers["strict-transport-security"]
        expect(page.get_by_role("heading", level=1)).to_have_text("Pieteikties")

        stylesheet = page.locator('link[rel="stylesheet"][href*="/static/css/eduboard."]').get_attribute("href")
        assert stylesheet is not None
        assert re.fullmatch(r"/static/css/eduboard\.[0-9a-f]{12}\.css", stylesheet), stylesheet
        static = page.request.get(base + stylesheet)
        assert static.status == 200
        assert static.headers["content-type"].startswith("text/css")
        assert "immutable" in static.headers["cache-control"]
        assert static.body() == (static_root / stylesheet.removeprefix("/static/")).read_bytes()

        page.get_by_label("Lietotājvārds").fill("anete")
        page.get_by_label("Parole").fill(password)
        page.get_by_role("button", name="Pieteikties").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Pārskats")

        # A page with a chart: the vendored Chart.js arrives under its hashed name and runs.
        page.goto(f"{base}/registry/statistics/")
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.Chart") == "function"
        chart_urls = [r.url for r in responses if "/static/vendor/chart-4.4.7.umd." in r.url]
        assert chart_urls
        assert all(re.search(r"chart-4\.4\.7\.umd\.min\.[0-9a-f]{12}\.js$", url) for url in chart_urls), chart_urls

        static_responses = [r for r in responses if "/static/" in r.url]
        assert static_responses
        assert all(r.status == 200 for r in static_responses), [(r.url, r.status) for r in static_responses]
        # Nothing refused by the Content-Security-Policy, no script failing. (Missing files are judged above by their
        # answers; Chromium also asks for /favicon.ico, which the site does not have.)
        assert [error for error in console_errors if not error.startswith("Failed to load resource")] == []

        # A mistyped address with a child's name and personal code in it: answered 404, logged without them.
        missing = page.request.get(f"{base}/registry/{CHILD_NAME}/{CHILD_CODE}/?q={CHILD_NAME}")
        assert missing.status == 404
    finally:
        browser.close()
