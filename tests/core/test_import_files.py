"""Files an import refuses kindly: encodings, delimiters, binary and fake workbooks, bombs, limits, one line."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client, override_settings
from openpyxl import Workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import uploads
from eduboard.core.import_views import UploadForm
from eduboard.core.imports import ImportFailed, TableFile
from eduboard.core.models import ImportJob
from eduboard.registry.models import Learner
from eduboard.registry.synthetic import PersonalCodes
from tests.imports_helpers import Outcome, imported_counts, run_import_command
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.both_databases]  # the messages' wording is read

CODES = PersonalCodes()
LATVIAN = "āēīūčģķļņšž ĀĒĪŪČĢĶĻŅŠŽ"
LEARNER_COLUMNS = [
    "personal_code",
    "first_name",
    "last_name",
    "birth_date",
    "declared_municipality",
    "institution",
    "school_year",
    "group",
    "enrolled_on",
    "left_on",
]
NAMES = [("Jānis", "Bērziņš"), ("Ģirts", "Ķēniņš"), ("Līga", "Ļaviņa"), ("Ūna", "Čakše"), ("Žanis", "Šūpulis")]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def learners_text(names: list[tuple[str, str]] = NAMES, delimiter: str = ",") -> str:
    """A learners file for the world's class 1.a, one learner a name."""
    lines = [delimiter.join(LEARNER_COLUMNS)]
    for index, (first, last) in enumerate(names):
        birth = date(2017, 5, 1) + timedelta(days=index)
        cells = [CODES.for_birth_date(birth), first, last, birth.isoformat(), "Daugavpils"]
        lines.append(delimiter.join([*cells, "9000000011", "2024/2025", "1.a", "2024-09-01", ""]))
    return "\r\n".join(lines) + "\r\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path, **options: str) -> str:
    """The one error a file is refused with, before any row is read."""
    with pytest.raises(ImportFailed) as failure:
        table = TableFile(path, **options)
        table.count_rows()
        list(table.rows())
    assert len(failure.value.errors) == 1, failure.value.errors
    return str(failure.value.errors[0])


def workbook_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- encodings


def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    text = f"name,code\n{LATVIAN},1\n"
    plain = TableFile(write(tmp_path, "plain.csv", text.encode()))
    with_bom = TableFile(write(tmp_path, "bom.csv", codecs.BOM_UTF8 + text.encode()))
    assert list(plain.rows()) == list(with_bom.rows()) == [["name", "code"], [LATVIAN, "1"]]
    assert plain.count_rows() == with_bom.count_rows() == 1


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_read_as_excel_unicode_text_writes_it(tmp_path: Path, codec: str) -> None:
    text = f"name\tcode\r\n{LATVIAN}\t1\r\n"
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    table = TableFile(write(tmp_path, "unicode.csv", bom + text.encode(codec)))
    assert list(table.rows()) == [["name", "code"], [LATVIAN, "1"]]
    assert table.count_rows() == 1


def test_cp1257_is_refused_naming_it_and_the_option_that_reads_it(tmp_path: Path) -> None:
    path = write(tmp_path, "baltic.csv", f"name,code\n{LATVIAN},1\n".encode("cp1257"))
    message = refusal(path)
    assert message == (
        "row 2, column -: the file is not UTF-8 (it looks like Windows-1257/Baltic); save it as UTF-8, "
        "or choose the encoding cp1257"
    )


def test_cp1257_chosen_reads_the_latvian_letters(tmp_path: Path) -> None:
    path = write(tmp_path, "baltic.csv", f"name,code\n{LATVIAN},1\n".encode("cp1257"))
    table = TableFile(path, encoding="cp1257")
    assert table.count_rows() == 1
    assert list(table.rows()) == [["name", "code"], [LATVIAN, "1"]]


def test_a_baltic_byte_deep_in_the_file_is_refused_naming_its_line(tmp_path: Path) -> None:
    lines = ["name,code"] + [f"Anna,{number}" for number in range(20_000)] + ["Bērziņš,1"]
    path = write(tmp_path, "late.csv", "\n".join(lines).encode("cp1257"))
    assert len(path.read_bytes()) > uploads.HEAD_BYTES  # past what the sniffing reads
    message = refusal(path)
    assert message.startswith("row 20002, column -: the file is not UTF-8 (it looks like Windows-1257/Baltic)")


def test_cyrillic_windows_1251_is_named_too(tmp_path: Path) -> None:
    path = write(tmp_path, "cyrillic.csv", "name,code\nИван Петров,1\n".encode("cp1251"))
    assert "it looks like Windows-1251/Cyrillic" in refusal(path)


def test_a_utf8_file_read_as_cp1257_is_refused_rather_than_garbled(tmp_path: Path) -> None:
    path = write(tmp_path, "utf8.csv", f"name,code\n{LATVIAN},1\n".encode())
    assert "the file is UTF-8, not Windows-1257; choose the automatic encoding" in refusal(path, encoding="cp1257")


# --- delimiters


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_file_separated_by_semicolons_or_tabs_is_read_by_its_header(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["name", "amount", "note"]) + "\n" + delimiter.join(["Bērziņš", "0,5", '"a; b"']) + "\n"
    table = TableFile(write(tmp_path, "excel.csv", text.encode()))
    assert table.delimiter == delimiter
    assert list(table.rows()) == [["name", "amount", "note"], ["Bērziņš", "0,5", "a; b"]]


def test_a_comma_header_stays_comma_separated_whatever_the_cells_hold(tmp_path: Path) -> None:
    table = TableFile(write(tmp_path, "comma.csv", b'name,note\nAnna,"a; b; c"\n'))
    assert table.delimiter == ","
    assert list(table.rows())[1] == ["Anna", "a; b; c"]


# --- not a CSV, not a workbook


def test_a_png_named_csv_is_refused_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "photo.csv", PNG + bytes(range(256)) * 4)
    assert refusal(path) == "row 0, column -: the file is not a CSV file: it looks like a PNG image"


def test_binary_data_named_csv_is_refused_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "data.csv", bytes(range(256)) * 16)
    assert refusal(path) == "row 0, column -: the file is not a CSV file: it holds binary data, not text"


def test_a_workbook_named_csv_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "book.csv", workbook_bytes([["name"], ["Anna"]]))
    assert "not a CSV file: it looks like an XLSX workbook" in refusal(path)


def test_a_text_file_named_xlsx_is_refused_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "table.xlsx", b"name,code\nAnna,1\n")
    assert refusal(path) == (
        "row 0, column -: the file is not an XLSX workbook: it looks like a text (CSV) file; name it .csv"
    )


def test_an_old_xls_named_xlsx_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert "it looks like an old Excel .xls workbook or a password-protected file" in refusal(path)


def test_a_zip_that_is_no_workbook_is_refused_in_one_line(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    path = write(tmp_path, "archive.xlsx", buffer.getvalue())
    assert refusal(path) == (
        "row 0, column -: the file is not an XLSX workbook: it looks like a zip archive that holds no workbook"
    )


def test_an_opendocument_spreadsheet_is_refused_naming_it(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    path = write(tmp_path, "calc.xlsx", buffer.getvalue())
    assert "an OpenDocument spreadsheet (.ods); save it as .xlsx" in refusal(path)


def test_a_damaged_workbook_is_refused_without_a_traceback(tmp_path: Path) -> None:
    good = workbook_bytes([["name"], ["Anna"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = b"<worksheet><sheetData><row><c"  # cut off mid-element
            target.writestr(member, data)
    path = write(tmp_path, "cut.xlsx", buffer.getvalue())
    assert refusal(path).startswith("row 0, column -: the XLSX workbook is damaged")


def bomb(sheet_size: int) -> bytes:
    """A real workbook whose sheet is padded with `sheet_size` bytes of spaces (a few KB packed)."""
    good = workbook_bytes([["name"], ["Anna"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * sheet_size, 1)
            target.writestr(member.filename, data)
    return buffer.getvalue()


def test_an_xlsx_bomb_is_refused_before_openpyxl_unpacks_it(tmp_path: Path) -> None:
    data = bomb(8 * uploads.MB)
    assert len(data) < uploads.MB
    message = refusal(write(tmp_path, "bomb.xlsx", data))
    assert message.startswith("row 0, column -: the XLSX workbook is not an ordinary one: its part ")
    assert "xl/worksheets/sheet1.xml unpacks to" in message


@override_settings(IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES=200_000)
def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    data = bomb(300_000)  # below the ratio limit's threshold: only the size says no
    message = refusal(write(tmp_path, "big.xlsx", data))
    assert message.startswith("row 0, column -: the XLSX workbook unpacks to 30")
    assert message.endswith("at most 195.3\xa0KB can be imported (save it as CSV)")


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_a_file_over_the_upload_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", b"name\n" + b"Anna\n" * 40)
    assert refusal(path) == "row 0, column -: the file is 205\xa0bytes; at most 100\xa0bytes can be imported at once"


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path) -> None:
    assert refusal(tmp_path / "gone.csv") == "row 0, column -: there is no file “gone.csv”"


# --- rows: a control character is named by row and column


@pytest.fixture
def world(db: None) -> World:
    return build_world(pupils=0)


def run_command(*args: str) -> Outcome:
    return run_import_command("import_registry", *args)


def test_a_nul_byte_in_a_cell_is_refused_naming_its_row_and_column(tmp_path: Path, world: World) -> None:
    text = learners_text([("Anna", "Liepa"), ("Ivo", "Eg\x00le"), ("Eva", "Ozola\x07")])
    outcome = run_command("learners", str(write(tmp_path, "nul.csv", text.encode())))
    assert outcome.status == 1
    assert outcome.error_lines == [
        "row 3, column last_name: a control character (U+0000) is not allowed in text",
        "row 4, column last_name: a control character (U+0007) is not allowed in text",
    ]
    assert Learner.objects.count() == 0


# --- the commands: one line, exit status 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.csv", PNG, "the file is not a CSV file: it looks like a PNG image"),
        ("table.xlsx", b"\x00\x01\x02\x03" * 100, "the file is not an XLSX workbook"),
        ("learners.txt", b"name\n", "The file must be .csv or .xlsx; got “learners.txt”."),
    ],
)
def test_the_command_refuses_a_bad_file_in_one_line(
    tmp_path: Path, world: World, name: str, data: bytes, reason: str
) -> None:
    outcome = run_command("learners", str(write(tmp_path, name, data)))
    assert outcome.status == 1
    assert outcome.err == f"Nothing was imported from {name}: {reason}\n"
    assert outcome.out == ""


def test_the_command_refuses_a_missing_file_in_one_line(tmp_path: Path, world: World) -> None:
    refused = run_command("learners", str(tmp_path / "gone.csv"))
    assert refused.status == 1
    assert re.fullmatch(r"CommandError: No such file: .*gone\.csv", refused.err.strip())


def test_the_command_names_the_encoding_and_reads_it_when_told(tmp_path: Path, world: World) -> None:
    path = write(tmp_path, "baltic.csv", learners_text(delimiter=";").encode("cp1257"))
    refused = run_command("learners", str(path))
    assert refused.status == 1
    assert refused.error_lines == [
        "row 2, column -: the file is not UTF-8 (it looks like Windows-1257/Baltic); save it as UTF-8, "
        "or choose the encoding cp1257"
    ]
    outcome = run_command("learners", str(path), "--encoding", "cp1257")
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome)["created"] == len(NAMES)
    assert sorted(Learner.objects.values_list("first_name", "last_name")) == sorted(NAMES)


# --- the upload page


def upload_form(name: str, data: bytes, encoding: str = "") -> UploadForm:
    return UploadForm({"encoding": encoding}, {"file": SimpleUploadedFile(name, data)})


def test_the_form_refuses_cp1257_naming_it_and_takes_it_when_chosen() -> None:
    data = learners_text().encode("cp1257")
    refused = upload_form("learners.csv", data)
    assert not refused.is_valid()
    assert refused.errors["file"] == [
        "Line 2: The file is not UTF-8 (it looks like Windows-1257/Baltic); save it as UTF-8, "
        "or choose the encoding cp1257"
    ]
    chosen = upload_form("learners.csv", data, encoding="cp1257")
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["encoding"] == "cp1257"
    assert chosen.cleaned_data["file"].read() == data  # left at its start for the job to store


def test_the_form_reads_an_upload_spooled_to_disk_and_leaves_it_at_its_start() -> None:
    data = learners_text([("Anna", "Liepa")] * 1000 + NAMES).encode("cp1257")  # Latvian letters past the head
    assert data.index("Jānis".encode("cp1257")) > uploads.HEAD_BYTES
    for encoding, valid in [("", False), ("cp1257", True)]:
        uploaded = TemporaryUploadedFile("learners.csv", "text/csv", len(data), None)
        uploaded.write(data)
        uploaded.seek(0)
        form = UploadForm({"encoding": encoding}, {"file": uploaded})
        assert form.is_valid() is valid, form.errors
        assert valid or form.errors["file"][0].startswith("Line 1002: The file is not UTF-8 (it looks like Windows")
        assert uploaded.read() == data
        uploaded.close()


def test_the_form_refuses_a_fake_workbook_and_a_bomb() -> None:
    fake = upload_form("learners.xlsx", b"personal_code,first_name\n")
    assert fake.errors["file"] == ["The file is not an XLSX workbook: it looks like a text (CSV) file; name it .csv"]
    assert "is not an ordinary one" in upload_form("learners.xlsx", bomb(4 * uploads.MB)).errors["file"][0]
    assert upload_form("learners.xlsx", workbook_bytes([["name"], ["Anna"]])).is_valid()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=64 * uploads.MB, IMPORT_MAX_INSTITUTION_UPLOAD_BYTES=8 * uploads.MB)
def test_a_head_may_upload_less_than_the_board(world: World, make_user: Callable[..., User]) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    assert uploads.max_upload_bytes_for(head) == 8 * uploads.MB
    assert uploads.max_upload_bytes_for(make_user(Role.BOARD_ADMIN)) == 64 * uploads.MB
    data = b"personal_code\n" + b"x" * 2000
    form = UploadForm({}, {"file": SimpleUploadedFile("learners.csv", data)}, max_bytes=1000)
    assert form.errors["file"] == ["The file is 2.0\xa0KB; at most 1000\xa0bytes can be imported at once."]


@pytest.fixture
def head_client(world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))


def post(client: Client, name: str, data: bytes, encoding: str = "") -> str:
    response = client.post(
        "/imports/registry/learners/", {"file": SimpleUploadedFile(name, data), "encoding": encoding}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_an_upload_over_the_limit_is_refused_on_the_page_naming_the_limit(head_client: Client) -> None:
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=1000):
        page = post(head_client, "learners.csv", learners_text(NAMES * 4).encode())
    assert "The file is 1.9\xa0KB; at most 1000\xa0bytes can be imported at once." in page
    assert not ImportJob.objects.exists()


def test_a_png_upload_is_refused_on_the_page_in_one_line(head_client: Client) -> None:
    page = post(head_client, "learners.csv", PNG)
    assert "The file is not a CSV file: it looks like a PNG image" in page
    assert not ImportJob.objects.exists()


def test_a_semicolon_separated_upload_is_imported(head_client: Client) -> None:
    post(head_client, "learners.csv", codecs.BOM_UTF8 + learners_text(delimiter=";").encode())
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert sorted(Learner.objects.values_list("first_name", "last_name")) == sorted(NAMES)


def test_a_cp1257_upload_with_its_encoding_chosen_is_imported_with_latvian_letters(head_client: Client) -> None:
    post(head_client, "learners.csv", learners_text(delimiter=";").encode("cp1257"), encoding="cp1257")
    job = ImportJob.objects.get()
    assert (job.encoding, job.status, job.created) == ("cp1257", ImportJob.Status.DONE, len(NAMES))
    assert sorted(Learner.objects.values_list("first_name", "last_name")) == sorted(NAMES)
