"""Backup and restore of the whole system: the database and the uploaded files (MEDIA_ROOT) in one archive.

An archive is an uncompressed tar file holding, in this order:
- `manifest.json`: the format and its version, the database vendor, the Django migrations applied in the
  database, when it was made, the eduboard and Django versions, and the checksum of the database member;
- the database: `database.sqlite3.gz` (a copy taken with SQLite's online backup API, so a running server is
  fine, gzipped) or `database.pgdump` (`pg_dump -Fc`, a consistent snapshot, compressed by PostgreSQL);
- the uploaded files under `media/`, as they are under MEDIA_ROOT.

The archive holds every secret the database holds (password hashes, second-factor keys, API token hashes,
personal codes): it is kept like the database itself. Nothing here prints or logs a secret, and PostgreSQL's
connection details (the password above all) reach its programs through the environment, never their command
line. A restore checks the whole archive (manifest, vendor, checksum, file names) before it changes anything,
and writes into an empty database and an empty MEDIA_ROOT unless told to replace what is there (`force`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import dj_database_url
import django
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "eduboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3.gz", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MANIFEST_MAX_BYTES = 1024 * 1024
CHUNK = 1024 * 1024

# Django's settings of a PostgreSQL database and the libpq environment variable that carries each.
_LIBPQ_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
}
# Every table, view, sequence… outside PostgreSQL's own schemas: none means the database is empty.
_POSTGRES_RELATIONS = (
    "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname <> 'information_schema' "
    "AND n.nspname NOT LIKE 'pg\\_%'"
)


class BackupError(ValidationError):
    """A backup or a restore refused or failed, with one line a user understands (and no secret in it)."""


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into: its vendor and Django's settings of it (with the password:
    never printed; `label` is what may be shown)."""

    vendor: str
    config: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.config.get("NAME") or "")

    @property
    def label(self) -> str:
        """The database as a user may read it: vendor and file, or vendor, name, host and port."""
        if self.vendor == "sqlite":
            return f"SQLite {self.name}"
        host = self.config.get("HOST") or "localhost"
        port = f":{self.config['PORT']}" if self.config.get("PORT") else ""
        return f"PostgreSQL {self.name} @ {host}{port}"


@dataclass(frozen=True)
class BackupResult:
    """A written archive: where, how big, and what went into it."""

    path: Path
    vendor: str
    size: int
    media_files: int
    media_bytes: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: what was written where, and how the archive's migrations stand against the code."""

    target: str
    manifest: dict[str, Any]
    media_files: int
    media_bytes: int
    seconds: float
    pending_migrations: list[str] = field(default_factory=list)
    unknown_migrations: list[str] = field(default_factory=list)


def _vendor(engine: str) -> str:
    if engine.endswith(("sqlite3", "spatialite")):
        return "sqlite"
    if engine.endswith(("postgresql", "postgis", "postgresql_psycopg2")):
        return "postgresql"
    raise BackupError(_("Backups are made of SQLite and PostgreSQL databases only."))


def database_from_settings(config: dict[str, Any]) -> Database:
    """The database of Django's settings (`settings.DATABASES["default"]`)."""
    database = Database(vendor=_vendor(str(config.get("ENGINE", ""))), config=dict(config))
    if not database.name or database.name == ":memory:" or database.name.startswith("file:"):
        raise BackupError(_("The database has no file or name to back up or restore."))
    return database


def database_from_url(url: str) -> Database:
    """The database a URL names (the `DATABASE_URL` form). The URL itself is never repeated in a message."""
    try:
        config = cast(dict[str, Any], dj_database_url.parse(url))
    except (ValueError, KeyError):
        raise BackupError(
            _("The database URL is not one eduboard understands (sqlite:///… or postgres://…).")
        ) from None
    return database_from_settings(config)


def configured_database() -> Database:
    """The database eduboard runs on."""
    return database_from_settings(cast(dict[str, Any], settings.DATABASES["default"]))


# --- PostgreSQL's programs


def _libpq_environment(database: Database) -> dict[str, str]:
    """The environment that tells psql, pg_dump and pg_restore where the database is, password included."""
    environment = dict(os.environ)
    for key, variable in _LIBPQ_SETTINGS.items():
        value = database.config.get(key)
        if value not in (None, ""):
            environment[variable] = str(value)
    for option, variable in _LIBPQ_OPTIONS.items():
        value = database.config.get("OPTIONS", {}).get(option)
        if value not in (None, ""):
            environment[variable] = str(value)
    # The database wall fails closed (core.board_wall): the backup and the restore's checks read every board's rows.
    environment["PGOPTIONS"] = f"{environment.get('PGOPTIONS', '')} -c eduboard.wall=*".strip()
    return environment


def _error_line(output: str) -> str:
    """The line of a program's error output that says what went wrong: the first error line, never a DETAIL
    line (which may quote the data, secrets included)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("DETAIL:", "Command was:", "LINE ", "HINT:"))]
    for line in lines:
        if "error" in line.lower() or "fatal" in line.lower():
            for prefix in ("psql: error: ", "pg_dump: error: ", "pg_restore: error: "):
                line = line.removeprefix(prefix)
            return line
    return lines[0] if lines else _("no message")


def _run_postgres_program(program: str, arguments: list[str], database: Database) -> str:
    """Run one of PostgreSQL's client programs on `database`; its standard output, or BackupError."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(_("%(program)s was not found: install PostgreSQL's client programs.") % {"program": program})
    completed = subprocess.run(  # noqa: S603 - PostgreSQL's own program, no shell
        [executable, *arguments],
        env=_libpq_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed on %(database)s: %(reason)s")
            % {"program": program, "database": database.label, "reason": _error_line(completed.stderr)}
        )
    return completed.stdout


def _psql_rows(database: Database, query: str) -> list[list[str]]:
    output = _run_postgres_program(
        "psql", ["--no-psqlrc", "--no-align", "--tuples-only", "--field-separator=\t", "--command", query], database
    )
    return [line.split("\t") for line in output.splitlines() if line]


def _postgres_tool_version(program: str) -> str:
    executable = shutil.which(program)
    if executable is None:
        return ""
    completed = subprocess.run(  # noqa: S603 - PostgreSQL's own program, no shell
        [executable, "--version"], capture_output=True, text=True, check=False
    )
    return completed.stdout.strip()


def _postgres_migrations(database: Database) -> list[tuple[str, str]]:
    if _psql_rows(database, "SELECT to_regclass('django_migrations') IS NOT NULL") != [["t"]]:
        return []
    return [(row[0], row[1]) for row in _psql_rows(database, "SELECT app, name FROM django_migrations ORDER BY id")]


def _postgres_is_empty(database: Database) -> bool:
    return _psql_rows(database, _POSTGRES_RELATIONS) == [["0"]]


# --- SQLite


def _sqlite_path(database: Database) -> Path:
    return Path(database.name).expanduser().resolve()


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=20)


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy a whole database with SQLite's online backup API, in one step: a consistent copy, taken under one
    read lock of the source (writers wait, readers go on)."""
    source.backup(target, pages=-1)


def _sqlite_migrations(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as connection:
        if not connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone():
            return []
        return [(app, name) for app, name in connection.execute("SELECT app, name FROM django_migrations ORDER BY id")]


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        with closing(_sqlite_read_only(path)) as connection:
            row = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).fetchone()
    except sqlite3.DatabaseError:
        raise BackupError(_("%(path)s is not a SQLite database: nothing was restored.") % {"path": path}) from None
    return bool(row) and row[0] == 0


# --- Files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path) -> Iterator[Path]:
    """The regular files under MEDIA_ROOT, in a stable order (links left out)."""
    if not media_root.is_dir():
        return
    for directory, directories, files in os.walk(media_root):
        directories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(path.is_file() or path.is_symlink() for path in directory.rglob("*"))


def _os_reason(error: OSError) -> str:
    """What went wrong with a file, and which file."""
    return f"{error.strerror}: {error.filename}" if error.strerror and error.filename else str(error)


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """A member without the owner of this machine (meaningless on another)."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _eduboard_version() -> str | None:
    try:
        project = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text(encoding="utf-8"))
        return str(project["project"]["version"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return None


def _grouped(migrations: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for app, name in migrations:
        grouped.setdefault(app, []).append(name)
    return grouped


def _output_path(output: str | None, vendor: str) -> Path:
    name = f"eduboard-{vendor}-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
    if output is None:
        directory = Path(settings.BASE_DIR) / "var" / "backups"
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        return directory / name
    path = Path(output).expanduser()
    if path.is_dir() or output.endswith(os.sep):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path.resolve() / name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path.resolve()


# --- Backup


def backup_create(*, output: str | None = None) -> BackupResult:
    """Write one archive of the configured database and MEDIA_ROOT to `output` (a file, or a directory to write
    `eduboard-<vendor>-<date>-<time>.tar` in; var/backups/ when not given), readable by its owner only."""
    started = time.perf_counter()
    database = configured_database()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    try:
        path = _output_path(output, database.vendor)
        if media_root in path.parents:
            raise BackupError(_("A backup is never written under MEDIA_ROOT (it would be in the next backup)."))
        with tempfile.TemporaryDirectory(prefix=".eduboard-backup-", dir=path.parent) as work:
            working = Path(work)
            member = DATABASE_MEMBERS[database.vendor]
            dump = working / member
            migrations, tool = _dump_database(database, working, dump)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "eduboard_version": _eduboard_version(),
                "django_version": django.get_version(),
                "database": {
                    "vendor": database.vendor,
                    "member": member,
                    "bytes": dump.stat().st_size,
                    "sha256": _sha256(dump),
                    "made_with": tool,
                },
                "migrations": _grouped(migrations),
                "media": MEDIA_PREFIX,
            }
            partial = working / "archive.tar"
            media_files, media_bytes = _write_archive(partial, manifest, dump, member, media_root)
            partial.chmod(0o600)
            os.replace(partial, path)
    except OSError as error:
        raise BackupError(_("The backup could not be written: %(reason)s") % {"reason": _os_reason(error)}) from None
    except sqlite3.Error as error:
        raise BackupError(_("SQLite could not copy the database: %(reason)s") % {"reason": error}) from None
    return BackupResult(
        path=path,
        vendor=database.vendor,
        size=path.stat().st_size,
        media_files=media_files,
        media_bytes=media_bytes,
        seconds=time.perf_counter() - started,
    )


def _dump_database(database: Database, working: Path, dump: Path) -> tuple[Any, str]:
    """Write the configured database's dump to `dump` (SQLite: a consistent copy, gzipped; PostgreSQL: pg_dump's
    custom format) and return its applied migrations and the tool that made it."""
    if database.vendor == "sqlite":
        source = _sqlite_path(database)
        if not source.is_file():
            raise BackupError(_("There is no SQLite database at %(path)s.") % {"path": source})
        copy = working / "database.sqlite3"
        with closing(_sqlite_read_only(source)) as reader, closing(sqlite3.connect(copy)) as writer:
            _sqlite_copy(reader, writer)
        migrations = _sqlite_migrations(copy)
        # Level 1: the national set's 91 MB packed in 3 s to 26 MB; level 6 took 9 s for 24 MB.
        with copy.open("rb") as raw, gzip.open(dump, "wb", compresslevel=1) as packed:
            shutil.copyfileobj(raw, packed, CHUNK)
        copy.unlink()
        return migrations, f"SQLite {sqlite3.sqlite_version}"
    migrations = _postgres_migrations(database)
    # Row security (core.board_wall) is on: pg_dump's default (row_security off) would refuse a FORCEd table to its
    # owner; with it on and every board named (PGOPTIONS), the policies let every row through.
    _run_postgres_program("pg_dump", ["--format=custom", "--enable-row-security", f"--file={dump}"], database)
    return migrations, _postgres_tool_version("pg_dump")


def _write_archive(
    partial: Path, manifest: dict[str, Any], dump: Path, member: str, media_root: Path
) -> tuple[int, int]:
    """Write the tar at `partial`: the manifest, the dump and every file under MEDIA_ROOT (one deleted meanwhile
    is left out); return the media files' count and bytes."""
    media_files = media_bytes = 0
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(data))
        tar.add(dump, arcname=member, recursive=False, filter=_anonymous)
        for file in _media_files(media_root):
            name = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
            try:
                tar.add(file, arcname=name, recursive=False, filter=_anonymous)
            except FileNotFoundError:
                continue  # deleted while the backup ran (an import's upload, a fetched report file)
            media_files += 1
            media_bytes += tar.getmembers()[-1].size
    return media_files, media_bytes


# --- Reading an archive


def _not_ours(archive: Path, reason: str) -> BackupError:
    return BackupError(
        _("%(path)s is not an eduboard backup (%(reason)s): nothing was restored.")
        % {"path": archive, "reason": reason}
    )


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > MANIFEST_MAX_BYTES:
        raise _not_ours(archive, _("it has no manifest"))
    stream = tar.extractfile(first)
    try:
        manifest = json.loads(cast(IO[bytes], stream).read())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_ours(archive, _("its manifest is not JSON")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_ours(archive, _("its manifest is not eduboard's"))
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise _not_ours(archive, _("its manifest has no format version"))
    if version > FORMAT_VERSION:
        raise BackupError(
            _("%(path)s was made by a newer eduboard (backup format %(found)d; this one reads %(known)d).")
            % {"path": archive, "found": version, "known": FORMAT_VERSION}
        )
    database = manifest.get("database")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_MEMBERS
        or database.get("member") != DATABASE_MEMBERS[database["vendor"]]
        or not isinstance(database.get("sha256"), str)
        or not isinstance(manifest.get("migrations"), dict)
    ):
        raise _not_ours(archive, _("its manifest does not describe a database"))
    return manifest


def _open_archive(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": archive})
    try:
        return tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError, EOFError):
        raise _not_ours(archive, _("it is not a tar archive")) from None


def backup_manifest(*, archive: Path) -> dict[str, Any]:
    """The manifest of an archive, or BackupError when the file is not an eduboard backup."""
    with _open_archive(archive) as tar:
        return _read_manifest(tar, archive)


def _media_name(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The path under MEDIA_ROOT a member of the archive goes to (None: not a media member); BackupError for a
    member that would write outside MEDIA_ROOT or is not a plain file or directory."""
    if not member.name.startswith(MEDIA_PREFIX):
        return None
    relative = PurePosixPath(member.name.removeprefix(MEDIA_PREFIX))
    if relative.is_absolute() or ".." in relative.parts or not (member.isfile() or member.isdir()):
        raise BackupError(_("The archive holds an unsafe file name: nothing was restored."))
    return relative


def _extract_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, sha256: str) -> None:
    """Write a member to `target`, checking it against its checksum in the manifest."""
    digest = hashlib.sha256()
    stream = cast(IO[bytes], tar.extractfile(member))
    with target.open("wb") as file:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            file.write(chunk)
    if digest.hexdigest() != sha256:
        raise BackupError(_("The archive is damaged: its database does not match its checksum. Nothing was restored."))


def _migration_differences(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The code's migrations the archive's database lacks, and the archive's migrations the code does not have
    (a squashed migration counts as applied when all it replaces are, and the other way round)."""
    applied: set[tuple[str, str]] = {
        (str(app), str(name)) for app, names in manifest["migrations"].items() for name in names
    }
    disk: dict[tuple[str, str], Any] = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    replaced_by = {(old[0], old[1]): key for key, migration in disk.items() for old in migration.replaces}
    done = set(applied)
    done.update(
        key
        for key, migration in disk.items()
        if migration.replaces and all((old[0], old[1]) in applied for old in migration.replaces)
    )
    done.update(key for key, squash in replaced_by.items() if squash in applied)
    pending = sorted(f"{app}.{name}" for app, name in disk.keys() - done)
    unknown = sorted(f"{app}.{name}" for app, name in applied - disk.keys())
    return pending, unknown


# --- Restore


def _members_to_restore(
    tar: tarfile.TarFile, manifest: dict[str, Any], *, archive: Path, target: Database
) -> tuple[tarfile.TarInfo, list[tarfile.TarInfo]]:
    """The archive's database member and its media members, once the archive is known to hold the target's
    vendor's database and to be whole; BackupError otherwise."""
    vendor = manifest["database"]["vendor"]
    if vendor != target.vendor:
        raise BackupError(
            _("%(path)s holds a %(archive)s database; the target database is %(target)s: nothing was restored.")
            % {"path": archive, "archive": VENDOR_NAMES[vendor], "target": VENDOR_NAMES[target.vendor]}
        )
    try:
        members = tar.getmembers()  # reads the whole archive: a truncated one fails here
    except (tarfile.TarError, EOFError):
        raise BackupError(_("The archive is damaged (cut short?): nothing was restored.")) from None
    database_member = next((m for m in members if m.name == manifest["database"]["member"]), None)
    if database_member is None or not database_member.isfile():
        raise BackupError(_("The archive has no database in it: nothing was restored."))
    media_members = [m for m in members if _media_name(m) is not None]
    return database_member, media_members


def _refuse_unless_empty(target: Database, media_root: Path) -> None:
    """BackupError when the target database or MEDIA_ROOT holds anything (a restore without `force`)."""
    empty = _sqlite_is_empty(_sqlite_path(target)) if target.vendor == "sqlite" else _postgres_is_empty(target)
    if not empty:
        raise BackupError(
            _(
                "The database %(database)s is not empty: restore into a new database, or add --force to "
                "replace what it holds."
            )
            % {"database": target.label}
        )
    if _has_files(media_root):
        raise BackupError(
            _("MEDIA_ROOT (%(path)s) holds files: restore with an empty MEDIA_ROOT, or add --force to replace them.")
            % {"path": media_root}
        )


def _postgres_restore(dump: Path, target: Database) -> None:
    """Restore a `pg_dump -Fc` dump over the target database in one transaction, then give the planner its
    statistics and drop the cached figures' tokens."""
    _run_postgres_program(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname=",  # the database comes from PGDATABASE, like the rest
            str(dump),
        ],
        target,
    )
    # pg_restore brings no planner statistics: without them the first figures are slow.
    _run_postgres_program("psql", ["--no-psqlrc", "--quiet", "--command", "ANALYZE"], target)
    forget = (
        f"DO $$ BEGIN IF to_regclass('core_datageneration') IS NOT NULL THEN {FORGET_FIGURE_TOKENS_SQL}; END IF; END $$"
    )
    _run_postgres_program("psql", ["--no-psqlrc", "--quiet", "--command", forget], target)


def _restore_members(
    tar: tarfile.TarFile,
    manifest: dict[str, Any],
    *,
    database_member: tarfile.TarInfo,
    media_members: list[tarfile.TarInfo],
    target: Database,
    media_root: Path,
) -> tuple[int, int]:
    """Extract the checked database and the media files into a working directory beside MEDIA_ROOT, restore the
    database into the target and put the files in MEDIA_ROOT; the files' count and bytes."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".eduboard-restore-", dir=media_root.parent) as work:
        working = Path(work)
        dump = working / database_member.name
        _extract_checked(tar, database_member, dump, manifest["database"]["sha256"])
        staged = working / "media"
        staged.mkdir()
        for member in media_members:
            member.name = str(_media_name(member))
            tar.extract(member, staged, filter="data")
        if target.vendor == "sqlite":
            _sqlite_restore(dump, _sqlite_path(target), working)
        else:
            _postgres_restore(dump, target)
        return _replace_media(staged, media_root)


def backup_restore(*, archive: Path, database_url: str | None = None, force: bool = False) -> RestoreResult:
    """Restore an archive into the configured database (or the one `database_url` names) and MEDIA_ROOT.

    Refused, with nothing changed, when the file is not an eduboard backup, holds the other vendor's database,
    is damaged, or the target database or MEDIA_ROOT is not empty and `force` is not given. With `force`, what
    the archive holds replaces what is there (the files under MEDIA_ROOT too)."""
    started = time.perf_counter()
    target = database_from_url(database_url) if database_url else configured_database()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    try:
        with _open_archive(archive) as tar:
            manifest = _read_manifest(tar, archive)
            database_member, media_members = _members_to_restore(tar, manifest, archive=archive, target=target)
            if not force:
                _refuse_unless_empty(target, media_root)
            media_files, media_bytes = _restore_members(
                tar,
                manifest,
                database_member=database_member,
                media_members=media_members,
                target=target,
                media_root=media_root,
            )
    except OSError as error:
        raise BackupError(
            _("The restore could not read or write a file: %(reason)s") % {"reason": _os_reason(error)}
        ) from None
    except sqlite3.Error as error:
        raise BackupError(_("SQLite could not restore the database: %(reason)s") % {"reason": error}) from None
    except (tarfile.TarError, EOFError):
        raise BackupError(_("The archive is damaged: nothing was restored.")) from None
    pending, unknown = _migration_differences(manifest)
    return RestoreResult(
        target=target.label,
        manifest=manifest,
        media_files=media_files,
        media_bytes=media_bytes,
        seconds=time.perf_counter() - started,
        pending_migrations=pending,
        unknown_migrations=unknown,
    )


#: The cached figures' tokens (core.figures_cache) are dropped from a restored database: the next read makes new
#: ones, so no entry computed before the restore is read for the data restored.
FORGET_FIGURE_TOKENS_SQL = "DELETE FROM core_datageneration"


def _sqlite_restore(packed: Path, target: Path, working: Path) -> None:
    """Unpack the database and copy it over `target` with the backup API, so that a connection open on the target
    (a running server) sees the restored database rather than a file replaced under it."""
    unpacked = working / "database.sqlite3"
    with gzip.open(packed, "rb") as source, unpacked.open("wb") as file:
        shutil.copyfileobj(source, file, CHUNK)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(unpacked)) as reader:
        reader.execute("PRAGMA schema_version").fetchone()  # fails now, before the target is touched, if not SQLite
        if reader.execute("SELECT 1 FROM sqlite_master WHERE name = 'core_datageneration'").fetchone():
            reader.execute(FORGET_FIGURE_TOKENS_SQL)  # no cached figure is read for the data restored
            reader.commit()
        with closing(sqlite3.connect(target, timeout=20)) as writer:
            _sqlite_copy(reader, writer)


def _replace_media(staged: Path, media_root: Path) -> tuple[int, int]:
    """Put the restored files in MEDIA_ROOT in place of what is there; their count and bytes."""
    restored = [path.stat().st_size for path in staged.rglob("*") if path.is_file()]
    media_root.mkdir(parents=True, exist_ok=True)
    for entry in list(media_root.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(staged.iterdir()):
        shutil.move(str(entry), str(media_root / entry.name))
    return len(restored), sum(restored)
