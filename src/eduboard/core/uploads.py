"""Files sent to an import, looked at before they are read: size limits, encoding, delimiter, not-a-table.

A refusal here is one sentence about the whole file (`FileRefused`), said before any row is read: the upload
form shows it under the file field, and `TableFile` (the import's reader, for pages and commands alike)
turns it into the import's one error.

- Size: at most `IMPORT_MAX_UPLOAD_BYTES` (default 64 MB: the national learners file, 326,000 rows, is
  about 30 MB as CSV and 19 MB as XLSX); for someone who sees only their institutions, at most
  `IMPORT_MAX_INSTITUTION_UPLOAD_BYTES` (default 8 MB; `max_upload_bytes_for`).
- XLSX: a zip holding an OOXML workbook. Before openpyxl opens it, the members' declared sizes must add
  up to at most `IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES` (default 512 MB; the national learners workbook
  unpacks to about 190 MB), and no large member may unpack to more than
  `IMPORT_MAX_XLSX_COMPRESSION_RATIO` times its packed size (default 100; real sheets pack 5 to 20
  times). The declared sizes bound what is read: Python's zipfile stops a member at its declared size.
- CSV: UTF-8 with or without a BOM; UTF-16 or UTF-32 with a BOM (Excel's "Unicode text"); or the
  encoding chosen (cp1257, Windows Baltic, as older Excel saves CSV in Latvia). Not UTF-8 is refused
  naming what it looks like. Separated by commas, semicolons (Excel with Latvian settings) or tabs,
  whichever the header line uses. Binary content (an image, a PDF, a workbook renamed .csv) is refused.
"""

from __future__ import annotations

import codecs
import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.scope import Viewer, sees_whole_city

logger = logging.getLogger("eduboard.imports")

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 64 * MB
DEFAULT_MAX_INSTITUTION_UPLOAD_BYTES = 8 * MB
DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES = 512 * MB
DEFAULT_MAX_XLSX_COMPRESSION_RATIO = 100
RATIO_FREE_BYTES = MB  # members this small may pack as tightly as they like (styles, shared strings of a few names)
HEAD_BYTES = 64 * 1024  # what the sniffing reads of a CSV
CONTENT_TYPES_MAX_BYTES = MB  # [Content_Types].xml is a few hundred bytes; a bigger one is not read

#: The encodings a person may choose for a CSV file ("" = automatic), on the page and on the command line.
ENCODING_CHOICES: list[tuple[str, str | Promise]] = [
    ("", gettext_lazy("Automatic: UTF-8 (with or without BOM) or UTF-16 (with BOM)")),
    ("cp1257", gettext_lazy("Windows-1257 (Baltic): CSV saved by older Excel")),
]
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1257": "Windows-1257", "cp1251": "Windows-1251"}

# Workbook content types openpyxl reads (workbook, macro-enabled workbook, and their templates).
WORKBOOK_CONTENT_TYPES = (
    b"spreadsheetml.sheet.main+xml",
    b"spreadsheetml.template.main+xml",
    b"ms-excel.sheet.macroEnabled.main+xml",
    b"ms-excel.template.macroEnabled.main+xml",
)

# The first bytes of files people send by mistake, and what to call them.
SIGNATURES: list[tuple[bytes, str | Promise]] = [
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF87a", gettext_lazy("a GIF image")),
    (b"GIF89a", gettext_lazy("a GIF image")),
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"PK\x03\x04", gettext_lazy("an XLSX workbook or another zip archive")),
    (b"PK\x05\x06", gettext_lazy("an empty zip archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", gettext_lazy("an old Excel .xls workbook or a password-protected file")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"{\\rtf", gettext_lazy("an RTF document")),
]
LATVIAN_CP1257 = frozenset("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ".encode("cp1257"))
# Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# C0 controls other than tab, line feed and carriage return: text has none, or a stray one; binary data has many.
BINARY_BYTES = frozenset(range(0x00, 0x09)) | {0x0B, 0x0C} | frozenset(range(0x0E, 0x20))


class FileRefused(Exception):
    """A file that cannot be imported at all, with one sentence saying why (and the line it concerns, 0 = the file)."""

    def __init__(self, message: str, row: int = 0) -> None:
        self.message = message
        self.row = row
        super().__init__(message)


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def max_upload_bytes_for(viewer: Viewer) -> int:
    """The upload limit of one person: the whole limit for those who see the whole city (the national file),
    `IMPORT_MAX_INSTITUTION_UPLOAD_BYTES` (default 8 MB; a large school's learners are about 150 KB) for
    those who see only their institutions; never more than `max_upload_bytes()`."""
    if sees_whole_city(viewer):
        return max_upload_bytes()
    limit = int(getattr(settings, "IMPORT_MAX_INSTITUTION_UPLOAD_BYTES", DEFAULT_MAX_INSTITUTION_UPLOAD_BYTES))
    return min(limit, max_upload_bytes())


def max_xlsx_uncompressed_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES))


def max_xlsx_compression_ratio() -> int:
    return int(getattr(settings, "IMPORT_MAX_XLSX_COMPRESSION_RATIO", DEFAULT_MAX_XLSX_COMPRESSION_RATIO))


def normalise_encoding(value: str | None) -> str | None:
    """The encoding chosen for a CSV file as a Python codec name; None for automatic ("", "auto", None)."""
    if not value or value.lower() == "auto":
        return None
    try:
        name = codecs.lookup(value).name
    except LookupError:
        raise FileRefused(_("“%s” is not an encoding this import knows") % value) from None
    return "utf-8" if name == "utf-8-sig" else name


def check_size(size: int) -> None:
    """Refuse a file larger than the upload limit."""
    limit = max_upload_bytes()
    if size > limit:
        raise FileRefused(
            _("the file is %(size)s; at most %(limit)s can be imported at once")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def describe(head: bytes) -> str | None:
    """What binary content looks like ("a PNG image"), or None when its first bytes are no known format."""
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return str(name)
    return None


def looks_binary(head: bytes) -> bool:
    """Many control bytes (beyond a stray one in a cell, which the import names by row and column)."""
    controls = sum(1 for byte in head if byte in BINARY_BYTES)
    return controls >= 4 and controls * 50 >= len(head)


def _not_a(kind: str, head: bytes, fallback: str | None = None) -> FileRefused:
    """The refusal of a file that is not a `kind` ("csv" or "xlsx") file, naming what it seems to be."""
    if kind == "csv":
        what = describe(head) or fallback
        if what:
            return FileRefused(_("the file is not a CSV file: it looks like %s") % what)
        return FileRefused(_("the file is not a CSV file: it holds binary data, not text"))
    what = fallback or describe(head)
    if what:
        return FileRefused(_("the file is not an XLSX workbook: it looks like %s") % what)
    return FileRefused(_("the file is not an XLSX workbook"))


# --- XLSX


def check_xlsx(handle: IO[bytes]) -> None:
    """Refuse what is not an OOXML workbook, or unpacks too big or too tightly; before openpyxl opens it.

    Leaves `handle` at its start."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        text = describe(head) is None and not looks_binary(head)
        raise _not_a("xlsx", head, _("a text (CSV) file; name it .csv") if text else None)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            content_types = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if content_types is None or content_types.file_size > CONTENT_TYPES_MAX_BYTES:
                raise _not_a("xlsx", head, _other_document(archive, names))
            if not any(kind in archive.read(content_types) for kind in WORKBOOK_CONTENT_TYPES):
                raise _not_a("xlsx", head, _other_document(archive, names))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        raise _not_a("xlsx", b"", _("a damaged zip archive")) from None
    finally:
        handle.seek(0)
    if any(member.flag_bits & 0x1 for member in members):
        raise FileRefused(_("the XLSX workbook is protected by a password; save it without one"))
    unpacked = sum(member.file_size for member in members)
    limit = max_xlsx_uncompressed_bytes()
    if unpacked > limit:
        raise FileRefused(
            _("the XLSX workbook unpacks to %(size)s; at most %(limit)s can be imported (save it as CSV)")
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
        )
    ratio = max_xlsx_compression_ratio()
    for member in members:
        if member.file_size > RATIO_FREE_BYTES and member.file_size > ratio * max(member.compress_size, 1):
            raise FileRefused(
                _(
                    "the XLSX workbook is not an ordinary one: its part %(name)s unpacks to %(times)d times its "
                    "packed size (at most %(limit)d); save it again from Excel"
                )
                % {"name": member.filename, "times": member.file_size // max(member.compress_size, 1), "limit": ratio}
            )


def _other_document(archive: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip that is not a workbook holds, for the refusal."""
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
        mimetype = archive.read("mimetype")
        if b"opendocument.spreadsheet" in mimetype:
            return _("an OpenDocument spreadsheet (.ods); save it as .xlsx")
        if b"opendocument" in mimetype:
            return _("an OpenDocument document")
    if any(name.startswith("word/") for name in names):
        return _("a Word document")
    if any(name.startswith("ppt/") for name in names):
        return _("a PowerPoint presentation")
    return _("a zip archive that holds no workbook")


# --- CSV


@dataclass(frozen=True)
class TextFormat:
    """How to read a CSV file: Python's codec and the delimiter."""

    codec: str
    delimiter: str


def sniff_csv(head: bytes, encoding: str | None = None, *, whole: bool = False) -> TextFormat:
    """The codec and delimiter of a CSV file from its first bytes (`head`; `whole`: they are the whole file).

    A byte order mark decides the encoding whatever was chosen; else the chosen `encoding` (a codec
    name, see `normalise_encoding`), else UTF-8. Raises FileRefused for binary content and for
    text that is not in that encoding, naming what it looks like.
    """
    codec = next((name for bom, name in BOMS if head.startswith(bom)), None)
    if codec is None:
        if (what := describe(head)) is not None:
            raise _not_a("csv", head, what)
        codec = _utf16_without_bom(head)
    if codec is None:
        if looks_binary(head):
            raise _not_a("csv", head)
        codec = encoding or "utf-8-sig"
        if codec == "utf-8":
            codec = "utf-8-sig"
        if codec != "utf-8-sig" and _is_utf8_text(head):
            raise FileRefused(
                _("the file is UTF-8, not %(encoding)s; choose the automatic encoding") % {"encoding": _name(codec)}
            )
    text = _decode_head(head, codec, whole=whole)
    return TextFormat(codec=codec, delimiter=sniff_delimiter(text))


def _name(codec: str) -> str:
    return ENCODING_NAMES.get(codec, codec)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_text(head: bytes) -> bool:
    """Valid UTF-8 with letters beyond ASCII (pure ASCII reads the same in every encoding offered)."""
    return not head.isascii() and _decodes(head, "utf-8")


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: mostly Latin text has a zero byte in every other place."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = sum(1 for byte in head[0 : pairs * 2 : 2] if byte == 0)
    odd = sum(1 for byte in head[1 : pairs * 2 : 2] if byte == 0)
    if odd >= pairs * 0.3 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _decode_head(head: bytes, codec: str, *, whole: bool) -> str:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        return decoder.decode(head, final=whole)
    except UnicodeDecodeError as error:
        raise undecodable(codec, head, error.start, lines_before=0) from None


def undecodable(codec: str, data: bytes, position: int, *, lines_before: int) -> FileRefused:
    """The refusal of text that is not in `codec`, whose byte at `position` of `data` cannot be read; naming
    its line (`lines_before` + the lines of `data` before it). For UTF-8, with a guess of what the line is."""
    line = lines_before + data.count(b"\n", 0, position) + 1
    byte = data[position] if position < len(data) else 0
    if codec.startswith(("utf-16", "utf-32")):
        return _broken_unicode(codec, line)
    if codec == "utf-8-sig":
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        guess = guess_8bit(data[start : end if end >= 0 else len(data)])  # the line, to guess its encoding from
        if guess == "cp1257":
            return FileRefused(
                _(
                    "the file is not UTF-8 (it looks like Windows-1257/Baltic); save it as UTF-8, "
                    "or choose the encoding cp1257"
                ),
                line,
            )
        if guess == "cp1251":
            return FileRefused(_("the file is not UTF-8 (it looks like Windows-1251/Cyrillic); save it as UTF-8"), line)
        return FileRefused(
            _("the file is not UTF-8 (byte 0x%(byte)02X cannot be read); save it as UTF-8") % {"byte": byte}, line
        )
    return FileRefused(
        _("the file cannot be read as %(encoding)s (byte 0x%(byte)02X); save it as UTF-8")
        % {"encoding": _name(codec), "byte": byte},
        line,
    )


def _broken_unicode(codec: str, line: int) -> FileRefused:
    return FileRefused(
        _("the file starts as %(encoding)s but is not %(encoding)s throughout; save it as UTF-8")
        % {"encoding": codec.upper()[:6]},
        line,
    )


def count_lines(handle: IO[bytes], codec: str) -> int:
    """The lines of a CSV file, every byte of it decoded with `codec`; raises FileRefused naming the first line
    that is not in that encoding. Reads in chunks of whole lines: memory does not grow with the file."""
    if codec.startswith(("utf-16", "utf-32")):  # a line feed byte may be half a character: decode as text
        text = io.TextIOWrapper(handle, encoding=codec, newline="")
        try:
            return sum(1 for _line in text)
        except UnicodeDecodeError:
            raise _broken_unicode(codec, 0) from None
        finally:
            text.detach()
    lines = 0
    rest = b""
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        data = rest + chunk
        end = data.rfind(b"\n") + 1  # in UTF-8 and 8-bit encodings a line feed byte is a line feed
        _check_decodes(data[:end], codec, lines)
        lines += data.count(b"\n", 0, end)
        rest = data[end:]
    _check_decodes(rest, codec, lines)
    return lines + (1 if rest else 0)


def _check_decodes(data: bytes, codec: str, lines_before: int) -> None:
    try:
        data.decode(codec)
    except UnicodeDecodeError as error:
        raise undecodable(codec, data, error.start, lines_before=lines_before) from None


@contextmanager
def reading_xlsx(name: object) -> Iterator[None]:
    """openpyxl's many exceptions for a workbook it cannot read, as one refusal of the file."""
    try:
        yield
    except FileRefused:
        raise
    except Exception as error:  # whatever openpyxl raises for a bad workbook, the file is the problem
        logger.info("XLSX file %s could not be read: %r", name, error)
        raise FileRefused(
            _("the XLSX workbook is damaged or was not saved by a spreadsheet program; open it and save it again")
        ) from None


def guess_8bit(data: bytes) -> str | None:
    """What 8-bit encoding a line seems to be in: Windows-1257 (Baltic) when every byte beyond ASCII is a
    Latvian letter in it; Windows-1251 (Cyrillic) when most letters are beyond ASCII; else Windows-1257 when
    the bytes read as that; else None."""
    high = [byte for byte in data if byte >= 0x80]
    if high and all(byte in LATVIAN_CP1257 for byte in high):
        return "cp1257"
    letters = len(high) + sum(1 for byte in data if 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A)
    if letters and len(high) * 2 > letters and _decodes(data, "cp1251"):
        return "cp1251"
    if _decodes(data, "cp1257"):
        return "cp1257"
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most outside quotes: `,`, `;` or a tab (`,` when none or a tie)."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character in "\r\n" and not quoted:
            break
        elif character in counts and not quoted:
            counts[character] += 1
    best = max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))
    return best if counts[best] else ","


def check_csv(handle: IO[bytes], encoding: str | None = None, *, whole: bool = False) -> TextFormat:
    """Sniff an open CSV file (see `sniff_csv`); with `whole`, decode all of it too (`count_lines`), so a
    byte not in its encoding far down the file is refused now. Leaves `handle` at its start."""
    handle.seek(0)
    try:
        head = handle.read(HEAD_BYTES + 1)
        handle.seek(0)
        text_format = sniff_csv(head[:HEAD_BYTES], encoding, whole=len(head) <= HEAD_BYTES)
        if whole and len(head) > HEAD_BYTES:
            count_lines(handle, text_format.codec)
    finally:
        handle.seek(0)
    return text_format


def check_upload(handle: IO[bytes], *, size: int, fmt: str, encoding: str | None = None) -> None:
    """Everything that can be said of an uploaded file before it is imported: its size, and then (by its
    `fmt`, "csv" or "xlsx") whether it is one, and a CSV's every byte in its encoding. Raises FileRefused.
    Costs a read of a CSV (about 0.1 s for the 30 MB national learners file) and of a workbook's directory."""
    check_size(size)
    if fmt == "xlsx":
        check_xlsx(handle)
    else:
        check_csv(handle, normalise_encoding(encoding), whole=True)
