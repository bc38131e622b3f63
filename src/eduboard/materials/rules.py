"""What a teaching material's file may be, decided by its content, never by its name (an executable renamed `.pdf`
is refused, naming what it looks like), and the names, licences and content types a material is shown and served
with. Pure functions of the bytes and the settings: no database."""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.text import CONTROL_CHARACTER

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 50 * MB
#: What a ZIP (or DOCX, PPTX) may unpack to in all, and how many members it may hold.
MAX_UNPACKED_BYTES = 1024 * MB
MAX_MEMBERS = 5000
#: A member larger than this may not unpack to more than COMPRESSION_RATIO times its packed size (a zip bomb).
RATIO_FREE_BYTES = MB
COMPRESSION_RATIO = 200
HEAD_BYTES = 512

#: The kinds a material's file may be, with the content type a download is served as and the file extensions
#: that name it (the first is the one a wrongly named file gets).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "webp": ("image/webp", (".webp",)),
    "zip": ("application/zip", (".zip",)),
}
KIND_CHOICES = [
    ("pdf", "PDF"),
    ("docx", gettext_lazy("Word document (DOCX)")),
    ("pptx", gettext_lazy("PowerPoint presentation (PPTX)")),
    ("png", gettext_lazy("PNG image")),
    ("jpeg", gettext_lazy("JPEG image")),
    ("gif", gettext_lazy("GIF image")),
    ("webp", gettext_lazy("WebP image")),
    ("zip", gettext_lazy("ZIP archive")),
]
LANGUAGE_CHOICES = [("lv", gettext_lazy("Latvian")), ("ru", gettext_lazy("Russian")), ("en", gettext_lazy("English"))]
#: Licences a material may carry (stored as written here); "copyright": all rights reserved.
LICENCES: list[tuple[str, Any]] = [
    ("CC BY 4.0", "CC BY 4.0"),
    ("CC BY-SA 4.0", "CC BY-SA 4.0"),
    ("CC BY-NC 4.0", "CC BY-NC 4.0"),
    ("CC BY-NC-SA 4.0", "CC BY-NC-SA 4.0"),
    ("CC BY-ND 4.0", "CC BY-ND 4.0"),
    ("CC BY-NC-ND 4.0", "CC BY-NC-ND 4.0"),
    ("CC0 1.0", gettext_lazy("CC0 1.0 (public domain)")),
    ("copyright", gettext_lazy("All rights reserved")),
]
LICENCE_LINKS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC BY-NC-SA 4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC BY-ND 4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC BY-NC-ND 4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}

# Files that run as programs: their first bytes, and what to call them in a refusal.
EXECUTABLE_SIGNATURES: list[tuple[bytes, Any]] = [
    (b"MZ", gettext_lazy("a Windows program (.exe or .dll)")),
    (b"\x7fELF", gettext_lazy("a Linux program (ELF)")),
    (b"#!", gettext_lazy("a script")),
    (b"\xfe\xed\xfa\xce", gettext_lazy("a macOS program")),
    (b"\xfe\xed\xfa\xcf", gettext_lazy("a macOS program")),
    (b"\xce\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"\xca\xfe\xba\xbe", gettext_lazy("a macOS or Java program")),
]
# Other files people send, refused, and what to call them.
OTHER_SIGNATURES: list[tuple[bytes, Any]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Office file (.doc, .ppt, .xls) or an installer (.msi)")),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"{\\rtf", gettext_lazy("an RTF document")),
]
EXECUTABLE_NAMES = (
    ".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".msi", ".ps1", ".sh",
    ".jar", ".lnk", ".hta", ".pif", ".cpl", ".app", ".apk",
)  # fmt: skip
SCRIPT_START = re.compile(rb"^\s*(<script|<\?php|@echo|echo |powershell|set |dim |function |var |import |#!)", re.I)
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # in binary data, never in text
#: Office documents with macros (VBA) in them.
MACRO_PARTS = re.compile(r"(^|/)vbaProject\.bin$", re.I)


# --- what a file is


def max_upload_bytes() -> int:
    """The largest file a material may have (setting MATERIAL_MAX_UPLOAD_BYTES, by default 50 MB)."""
    return int(getattr(settings, "MATERIAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _refused(message: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code="file_type")})


def _looks_like(head: bytes) -> str | None:
    """What a refused file seems to be by its first bytes (a program, a script, an old Office file, text)."""
    for signature, name in EXECUTABLE_SIGNATURES + OTHER_SIGNATURES:
        if head.startswith(signature):
            return str(name)
    if SCRIPT_START.match(head):
        return _("a script")
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml")):
        return _("an HTML, SVG or XML file")
    if CONTROL_BYTES.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not only a letter cut at the end of the head
            return None
    return _("a text file")


def _not_allowed(head: bytes) -> ValidationError:
    what = _looks_like(head)
    allowed = _("PDF, DOCX, PPTX, a PNG, JPEG, GIF or WebP image, or a ZIP archive")
    if what:
        return _refused(
            _("The file is not a material this page takes: it looks like %(what)s. Allowed: %(allowed)s.")
            % {"what": what, "allowed": allowed}
        )
    return _refused(_("The file's content is of no kind this page takes. Allowed: %s.") % allowed)


def _image_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _member_problem(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str | None:
    """Why a member of a zip may not be shared (a program, a script, macros, a path outside the archive)."""
    name = member.filename
    if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or re.match(r"^[A-Za-z]:", name):
        return _("%s: a path outside the archive") % name[:100]
    if name.endswith("/"):
        return None
    if name.lower().endswith(EXECUTABLE_NAMES):
        return _("%s: a program or script") % name[:100]
    if MACRO_PARTS.search(name):
        return _("%s: macros (VBA)") % name[:100]
    with archive.open(member) as handle:
        head = handle.read(8)
    if any(head.startswith(signature) for signature, _name in EXECUTABLE_SIGNATURES):
        return _("%s: a program") % name[:100]
    return None


def _zip_kind(handle: IO[bytes]) -> str:
    """docx, pptx or zip for a zip archive that opens, unpacks to a sane size, holds no program, script or macros."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                counts = {"n": len(members), "max": MAX_MEMBERS}
                raise _refused(_("The ZIP archive holds %(n)d files; at most %(max)d.") % counts)
            if any(member.flag_bits & 0x1 for member in members):
                raise _refused(_("The ZIP archive is protected by a password; its content cannot be checked."))
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _refused(
                    _("The ZIP archive unpacks to %(size)s; at most %(max)s.")
                    % {"size": filesizeformat(unpacked), "max": filesizeformat(MAX_UNPACKED_BYTES)}
                )
            for member in members:
                if member.file_size > RATIO_FREE_BYTES and member.file_size > COMPRESSION_RATIO * max(
                    member.compress_size, 1
                ):
                    name = member.filename[:100]
                    raise _refused(_("The ZIP archive is not an ordinary one (%s unpacks too tightly).") % name)
            problems = [problem for member in members if (problem := _member_problem(archive, member))]
            names = {member.filename for member in members}
    except ValidationError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        OSError,
    ):
        raise _refused(_("The ZIP archive is damaged and cannot be opened.")) from None
    finally:
        handle.seek(0)
    if problems:
        raise _refused(
            _("The archive holds what may not be shared: %s.") % "; ".join(problems[:5])
            + (" …" if len(problems) > 5 else "")
        )
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def detect_kind(head: bytes, handle: IO[bytes] | None = None) -> str:
    """The kind of a file by its content: "pdf", "docx", "pptx", "png", "jpeg", "gif", "webp" or "zip".

    `head` is the file's first bytes; `handle` the whole file, opened for reading, which a zip (also a DOCX or
    PPTX) needs to be looked into. Anything else (a program or script whatever its name, text, an old Office
    file, another archive) is refused with a ValidationError on the field `file` naming what it looks like."""
    if any(head.startswith(signature) for signature, _name in EXECUTABLE_SIGNATURES):
        raise _not_allowed(head)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if (image := _image_kind(head)) is not None:
        return image
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if handle is None:
            raise _refused(_("A ZIP archive cannot be checked without its whole content."))
        return _zip_kind(handle)
    raise _not_allowed(head)


def check_upload(uploaded: Any) -> str:
    """The kind of an uploaded file (see `detect_kind`) after its size is checked against the limit."""
    size = int(uploaded.size or 0)
    if size == 0:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code="empty")})
    limit = max_upload_bytes()
    if size > limit:
        sizes = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        message = _("The file is %(size)s; at most %(limit)s.") % sizes
        raise ValidationError({"file": ValidationError(message, code="too_large")})
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    return detect_kind(head, uploaded)


def clean_filename(name: str, kind: str) -> str:
    """The name a download is given: the uploaded name without a path or control characters, whose extension is
    the kind's (a PDF sent as "lesson.docx" is downloaded as "lesson.pdf", one sent as "lesson" as "lesson.pdf")."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    base = CONTROL_CHARACTER.sub("", base).strip().strip(".") or "material"
    stem, extension = os.path.splitext(base)
    extensions = KINDS[kind][1]
    if extension.lower() not in extensions:
        known = extension.lower() in {ext for _type, names in KINDS.values() for ext in names}
        stem, extension = (stem if known else base), extensions[0]
    return f"{stem[: 200 - len(extension)].strip() or 'material'}{extension.lower()}"


def content_type(kind: str) -> str:
    """The content type a file of `kind` is served as (never what the uploader's browser said)."""
    return KINDS[kind][0] if kind in KINDS else "application/octet-stream"
