"""The backup drill: the demonstration data backed up, restored into a new database, and every figure the board
reads from it the same; uploaded files back byte for byte; refusals in one line, changing nothing; no secret printed.

The drill runs the real commands in processes of their own (`manage.py … ` with DATABASE_URL and MEDIA_ROOT of
its own), on SQLite always and on PostgreSQL when a server answers on 127.0.0.1:5432 (or DATABASE_URL names
one): each loads the demonstration data once and every test of the module reads that one drill.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.core.management import CommandError, call_command

from eduboard.core.backup import FORMAT, FORMAT_VERSION, backup_manifest
from tests import template_db

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.both_databases]  # the refusals' wording is read

ROOT = Path(__file__).resolve().parents[2]

# On a copy of the pass's migrated template (tests/template_db.py): migrate (nothing left to apply: the template is
# at every app's latest migration), load the demonstration data, make an API token; print the secrets the drill must
# never see printed.
SETUP = """
import io, json
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_demo", stdout=io.StringIO())
from django_otp.plugins.otp_totp.models import TOTPDevice
from eduboard.accounts.demo import demo_admin_totp_key
from eduboard.accounts.models import ApiToken, User
from eduboard.accounts.services import api_token_create
_token, secret = api_token_create(account=User.objects.get(username="admin"), name="backup drill")
print(json.dumps(
    [secret, demo_admin_totp_key()]
    + list(TOTPDevice.objects.values_list("key", flat=True))
    + list(ApiToken.objects.values_list("key_hash", flat=True))
    + list(User.objects.values_list("password", flat=True))
))
"""
# Every figure the board reads, as the commands print it, and the readiness report's whole content.
FIGURES = """
import json
from tests.demo_figures import every_figure
print(json.dumps(every_figure()))
"""
UPLOADS = {
    "imports/12.xlsx": os.urandom(300_000),
    "imports/12.changes.csv.gz": bytes(range(256)) * 40,
    "reports/Gatavības ziņojums 2024.pdf": "%PDF-1.7 ā č ē ģ ī ķ ļ ņ š ū ž\n".encode() * 100,
}


@dataclass
class Drill:
    """One backup and restore of the demonstration data on one database vendor."""

    vendor: str
    source_url: str
    target_url: str
    source_media: Path
    target_media: Path
    secrets: list[str]
    source_figures: dict[str, Any]
    target_figures: dict[str, Any]
    archive: Path
    backup: subprocess.CompletedProcess[str]
    restore: subprocess.CompletedProcess[str]


def manage(*args: str, database_url: str, media_root: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`manage.py ARGS` in a process of its own, on the database and MEDIA_ROOT given."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ENV", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        DATABASE_URL=database_url, MEDIA_ROOT=str(media_root), CACHE_DIR=str(media_root.parent / "cache")
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=900,
    )
    if check:
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def last_json(output: str) -> Any:
    return json.loads(output.strip().splitlines()[-1])


def media_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def run_drill(vendor: str, source_url: str, target_url: str, directory: Path) -> Drill:
    source_media, target_media = directory / "media-source", directory / "media-restored"
    setup = manage("shell", "-c", SETUP + FIGURES, database_url=source_url, media_root=source_media)
    secrets_list, source_figures = setup.stdout.strip().splitlines()[-2:]
    for name, content in UPLOADS.items():
        (source_media / name).parent.mkdir(parents=True, exist_ok=True)
        (source_media / name).write_bytes(content)
    backup = manage(
        "backup", "--output", str(directory / "backups") + "/", database_url=source_url, media_root=source_media
    )
    archive = Path(backup.stdout.strip())
    if vendor == "sqlite":  # the configured database is the new one
        restore = manage("restore", str(archive), database_url=target_url, media_root=target_media)
    else:  # the configured database is the source; the new one is named
        restore = manage(
            "restore", str(archive), "--database-url", target_url, database_url=source_url, media_root=target_media
        )
    target = manage("shell", "-c", FIGURES, database_url=target_url, media_root=target_media)
    return Drill(
        vendor=vendor,
        source_url=source_url,
        target_url=target_url,
        source_media=source_media,
        target_media=target_media,
        secrets=json.loads(secrets_list),
        source_figures=json.loads(source_figures),
        target_figures=last_json(target.stdout),
        archive=archive,
        backup=backup,
        restore=restore,
    )


@pytest.fixture(scope="module")
def sqlite_drill(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any) -> Drill:
    only_in_pass("sqlite")
    directory = tmp_path_factory.mktemp("sqlite-drill")
    with django_db_blocker.unblock():
        template_db.template_copy(str(directory / "source.sqlite3"))
    return run_drill(
        "sqlite", f"sqlite:///{directory / 'source.sqlite3'}", f"sqlite:///{directory / 'restored.sqlite3'}", directory
    )


def postgres_server() -> dict[str, Any] | None:
    """Where the drill's PostgreSQL databases go: DATABASE_URL's server when it names one, else 127.0.0.1:5432."""
    url = os.environ.get("DATABASE_URL", "")
    config: dict[str, Any] = (
        dict(dj_database_url.parse(url))
        if url.startswith("postgres")
        else {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres", "PASSWORD": ""}
    )
    try:
        socket.create_connection((config["HOST"] or "localhost", int(config["PORT"] or 5432)), 2).close()
    except OSError:
        return None
    return config


def postgres_tool(program: str, config: dict[str, Any], *args: str) -> None:
    environment = dict(os.environ, PGHOST=str(config["HOST"] or "localhost"), PGPORT=str(config["PORT"] or 5432))
    environment.update(PGUSER=str(config["USER"] or ""), PGPASSWORD=str(config["PASSWORD"] or ""))
    subprocess.run([program, *args], env=environment, check=True, capture_output=True)  # noqa: S603 - fixed


def only_in_pass(vendor: str) -> None:
    """`make test` runs the suite once per database; each drill runs in the pass of its own database."""
    from django.db import connection

    if connection.vendor != vendor:
        pytest.skip(f"the {vendor} drill runs in the {vendor} pass of make test")


@pytest.fixture(scope="module")
def postgres_drill(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Drill]:
    only_in_pass("postgresql")
    config = postgres_server()
    if config is None or shutil.which("createdb") is None:
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    stem = f"eduboard_drill_{uuid.uuid4().hex[:10]}"
    names = [f"{stem}_source", f"{stem}_restored"]
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    urls = [
        f"postgres://{config['USER']}{password}@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{name}"
        for name in names
    ]
    postgres_tool("createdb", config, names[1])
    try:
        with django_db_blocker.unblock():
            template_db.template_copy(names[0])
        yield run_drill("postgresql", urls[0], urls[1], tmp_path_factory.mktemp("postgres-drill"))
    finally:
        for name in names:
            postgres_tool("dropdb", config, "--if-exists", "--force", name)


@pytest.fixture(params=["sqlite", "postgresql"])
def drill(request: pytest.FixtureRequest) -> Drill:
    fixture = {"sqlite": "sqlite_drill", "postgresql": "postgres_drill"}[request.param]
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


def test_restored_database_gives_the_same_figures_and_report(drill: Drill) -> None:
    assert drill.target_figures == drill.source_figures
    registry = json.loads(drill.source_figures["registry_stats"])
    assert registry["institutions_by_type"], "the drill compared empty figures"
    assert drill.source_figures["readiness figures"] > 20


def test_uploaded_files_come_back_byte_identical(drill: Drill) -> None:
    assert media_files(drill.target_media) == media_files(drill.source_media)
    restored = media_files(drill.target_media).keys()
    assert UPLOADS.keys() <= restored  # the uploads put beside the demonstration data
    assert {name for name in restored if name not in UPLOADS} == {
        name for name in media_files(drill.source_media) if name not in UPLOADS
    }  # and the demonstration data's own files (its teaching materials)
    assert any(name.startswith("innovation/materials/") for name in restored)


def test_backup_prints_only_its_path_and_keeps_the_archive_private(drill: Drill) -> None:
    assert drill.backup.stdout.strip() == str(drill.archive)
    assert drill.archive.is_file()
    assert drill.archive.stat().st_mode & 0o777 == 0o600
    manifest = backup_manifest(archive=drill.archive)
    assert manifest["format"] == FORMAT
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["database"]["vendor"] == drill.vendor
    assert "0001_initial" in manifest["migrations"]["registry"]
    assert manifest["created_at"]


def test_backup_and_restore_print_no_secret(drill: Drill) -> None:
    printed = drill.backup.stdout + drill.backup.stderr + drill.restore.stdout + drill.restore.stderr
    assert len(drill.secrets) >= 5
    for secret in drill.secrets:
        assert secret not in printed
    assert "demo-2024" not in printed  # the demonstration password


def test_restoring_a_file_that_is_not_a_backup_fails_in_one_line_and_changes_nothing(
    sqlite_drill: Drill, tmp_path: Path
) -> None:
    restored = Path(sqlite_drill.target_url.removeprefix("sqlite:///"))
    before = (hashlib.sha256(restored.read_bytes()).hexdigest(), media_files(sqlite_drill.target_media))
    not_a_backup = tmp_path / "learners.csv"
    not_a_backup.write_text("personal_code,name\n010203-12345,Anna\n", encoding="utf-8")
    result = manage(
        "restore",
        str(not_a_backup),
        "--force",
        database_url=sqlite_drill.target_url,
        media_root=sqlite_drill.target_media,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: ")
    assert str(not_a_backup) in lines[0]
    assert (hashlib.sha256(restored.read_bytes()).hexdigest(), media_files(sqlite_drill.target_media)) == before


def one_line_error(*args: Any, **options: Any) -> str:
    """The message of the CommandError a restore run in this process is refused with (one line)."""
    with pytest.raises(CommandError) as refused:
        call_command("restore", *args, stdout=io.StringIO(), stderr=io.StringIO(), **options)
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_an_archive_for_the_other_vendor_is_refused(sqlite_drill: Drill) -> None:
    message = one_line_error(str(sqlite_drill.archive), database_url="postgres://drill:pw-never-shown@127.0.0.1:1/x")
    assert "PostgreSQL" in message
    assert "pw-never-shown" not in message


def test_a_database_that_is_not_empty_is_refused_without_force(sqlite_drill: Drill, tmp_path: Path) -> None:
    source = Path(sqlite_drill.source_url.removeprefix("sqlite:///"))
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    message = one_line_error(str(sqlite_drill.archive), database_url=sqlite_drill.source_url)
    assert "--force" in message
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_media_that_is_not_empty_is_refused_without_force(sqlite_drill: Drill, settings: Any, tmp_path: Path) -> None:
    (Path(settings.MEDIA_ROOT) / "kept.txt").write_text("kept", encoding="utf-8")
    message = one_line_error(str(sqlite_drill.archive), database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert "MEDIA_ROOT" in message
    assert not (tmp_path / "new.sqlite3").exists()
    assert (Path(settings.MEDIA_ROOT) / "kept.txt").read_text(encoding="utf-8") == "kept"


def test_force_replaces_the_database_and_the_files(sqlite_drill: Drill, settings: Any, tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite3"
    with sqlite3.connect(target) as connection:
        connection.execute("CREATE TABLE leftover (x integer)")
    (Path(settings.MEDIA_ROOT) / "leftover.txt").write_text("old", encoding="utf-8")
    call_command(
        "restore", str(sqlite_drill.archive), database_url=f"sqlite:///{target}", force=True, stdout=io.StringIO()
    )
    with sqlite3.connect(target) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "leftover" not in tables
    assert "registry_learner" in tables
    assert media_files(Path(settings.MEDIA_ROOT)) == media_files(sqlite_drill.source_media)


def test_postgresql_force_restores_over_a_restored_database(postgres_drill: Drill, settings: Any) -> None:
    call_command(
        "restore", str(postgres_drill.archive), database_url=postgres_drill.target_url, force=True, stdout=io.StringIO()
    )
    assert media_files(Path(settings.MEDIA_ROOT)) == media_files(postgres_drill.source_media)


def damaged_copy(archive: Path, directory: Path) -> Path:
    """The archive with one byte of its database changed."""
    with tarfile.open(archive) as tar:
        offset = next(member for member in tar.getmembers() if member.name.startswith("database.")).offset_data
    damaged = directory / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[offset + 1000] ^= 0xFF
    damaged.write_bytes(bytes(data))
    return damaged


def tar_with(directory: Path, members: dict[str, bytes]) -> Path:
    path = directory / "other.tar"
    with tarfile.open(path, "w") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def test_a_damaged_or_foreign_archive_is_refused_before_anything_is_written(
    sqlite_drill: Drill, settings: Any, tmp_path: Path
) -> None:
    target = tmp_path / "new.sqlite3"
    url = f"sqlite:///{target}"
    assert "damaged" in one_line_error(str(damaged_copy(sqlite_drill.archive, tmp_path)), database_url=url)
    assert "not an eduboard backup" in one_line_error(
        str(tar_with(tmp_path, {"notes.txt": b"hello"})), database_url=url
    )
    newer = json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION + 1}).encode()
    assert "newer" in one_line_error(str(tar_with(tmp_path, {"manifest.json": newer})), database_url=url)
    assert "There is no file" in one_line_error(str(tmp_path / "missing.tar"), database_url=url)
    assert not target.exists()
    assert media_files(Path(settings.MEDIA_ROOT)) == {}
