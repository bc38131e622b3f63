"""The files eduboard keeps (uploaded import files, their change logs, built report files), through Django's storage
API (`STORAGES["default"]`), so that every application server and worker sees the same files: the file system under
MEDIA_ROOT by default, an S3-compatible bucket when `STORAGE_S3_BUCKET` is set (settings.py, docs/operations.md).
Uploaded teaching materials, project documents and activity photos are model `FileField`s on the same storage.

A file is named by its path in the storage ("imports/12.csv", "reports/<job>.pdf"). Jobs recorded before these
names kept absolute paths under MEDIA_ROOT: `stored_name` reads both.

Whole or nothing: a file is either absent or whole. On the file system it is written under a temporary name beside
its own and renamed (`os.replace`), so a full disk or a killed worker never leaves half a file to serve; an
S3-compatible store shows an object only when its upload has ended.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages


def storage() -> Storage:
    return storages["default"]


def _local(store: Storage) -> FileSystemStorage | None:
    return store if isinstance(store, FileSystemStorage) else None


def stored_name(value: str) -> str:
    """The storage name of a recorded file: a name as it is, an absolute path under MEDIA_ROOT (recorded before
    files went through the storage) as its path below MEDIA_ROOT."""
    if not value or not os.path.isabs(value):
        return value
    try:
        return Path(value).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
    except ValueError:
        return value  # outside MEDIA_ROOT: left as recorded (the storage will not find it)


def exists(name: str) -> bool:
    """Whether the file is kept (a recorded path outside MEDIA_ROOT never is: the storage holds no such name)."""
    name = stored_name(name)
    return bool(name) and not os.path.isabs(name) and storage().exists(name)


def delete(name: str) -> None:
    """Delete the file if it is there."""
    if name and exists(name):
        storage().delete(stored_name(name))


def size(name: str) -> int:
    return storage().size(stored_name(name))


def open_stored(name: str) -> File:
    """The stored file, open for reading bytes (FileNotFoundError when it is gone)."""
    if not exists(name):
        raise FileNotFoundError(name)
    return storage().open(stored_name(name), "rb")


def _replace_into(store: FileSystemStorage, name: str, source: IO[bytes]) -> None:
    path = Path(store.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as handle:
            shutil.copyfileobj(source, handle, 1024 * 1024)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def keep_whole(name: str, source: IO[bytes]) -> str:
    """Store `source` (a binary file open at its start) under `name`, replacing what was there, whole or not at all;
    returns `name`."""
    store = storage()
    local = _local(store)
    if local is not None:
        _replace_into(local, name, source)
        return name
    if store.exists(name):
        store.delete(name)
    saved = store.save(name, File(source, name=Path(name).name))
    if saved != name:  # the store chose another name (an object of that name appeared meanwhile): keep ours
        store.delete(saved)
        raise FileExistsError(name)
    return name


@contextmanager
def local_path(name: str) -> Iterator[Path]:
    """A path on this machine to read the stored file from: the file itself on the file system, a temporary copy
    (removed afterwards) on an S3-compatible store."""
    store = storage()
    local = _local(store)
    if local is not None:
        path = Path(local.path(stored_name(name)))
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path
        return
    with open_stored(name) as stored, tempfile.TemporaryDirectory(prefix="eduboard-") as folder:
        path = Path(folder) / Path(stored_name(name)).name
        with path.open("wb") as handle:
            shutil.copyfileobj(stored, handle, 1024 * 1024)
        yield path


@contextmanager
def written(name: str) -> Iterator[Path]:
    """A path on this machine to write the file `name` to; when the block ends without an error, what was written
    there is stored whole under `name` (nothing is stored when nothing was written, or on an error)."""
    with tempfile.TemporaryDirectory(prefix="eduboard-") as folder:
        path = Path(folder) / Path(name).name
        yield path
        if path.is_file():
            with path.open("rb") as handle:
                keep_whole(name, handle)
