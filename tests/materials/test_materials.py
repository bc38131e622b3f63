"""Teaching materials: the file's type decided by its content (a renamed program is refused, also inside a ZIP), the
size limit, versions and the current one, download counting, public and teachers-only materials, search and
filters, scoping, the library's query count, and the demonstration's 30 materials."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre.models import AgeBand, Module
from eduboard.competitions.reference import ensure_reference
from eduboard.core.scope import WHOLE_CITY
from eduboard.materials import demo as demo_materials
from eduboard.materials import rules, selectors, services
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility
from eduboard.registry.models import Institution
from tests.board_wall_queries import WALL_QUERIES
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.both_databases

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def centre(db: None) -> Institution:
    ensure_reference()
    return InstitutionFactory(name="Daugavpils Inovāciju centrs", type="innovation_centre")


@pytest.fixture
def staff(centre: Institution) -> User:
    return UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])


def make(
    centre: Institution,
    actor: Any,
    *,
    title: str = "Elektriskā ķēde",
    data: bytes = PDF,
    name: str = "ķēde.pdf",
    visibility: str = MaterialVisibility.PUBLIC,
    bands: tuple[str, ...] = ("10-15",),
    **fields: Any,
) -> Material:
    material = Material(
        centre=centre,
        title=title,
        author=fields.pop("author", "Inga Kalniņa"),
        module=fields.pop("module", Module.objects.get(code="physics_robotics")),
        visibility=visibility,
        **fields,
    )
    return services.material_save(
        viewer=actor,
        material=material,
        expected_version=None,
        age_bands=AgeBand.objects.filter(code__in=bands),
        uploaded_file=upload(name, data),
    )


# --- the type by content


def test_the_kind_is_read_from_the_content_not_the_name() -> None:
    assert rules.detect_kind(PDF) == "pdf"
    assert rules.detect_kind(PNG) == "png"
    assert rules.detect_kind(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "jpeg"
    assert rules.detect_kind(b"GIF89a\x01\x00") == "gif"
    assert rules.detect_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "webp"
    docx = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    pptx = zipped({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"})
    kit = zipped({"uzdevums.pdf": PDF, "dati.csv": b"a;b\n1;2\n"})
    assert rules.detect_kind(docx[:512], io.BytesIO(docx)) == "docx"
    assert rules.detect_kind(pptx[:512], io.BytesIO(pptx)) == "pptx"
    assert rules.detect_kind(kit[:512], io.BytesIO(kit)) == "zip"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (EXE, "Windows"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "ELF"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
        (b"@echo off\r\ndel *.*\r\n", "script"),
        (b"Sveiki, te ir tikai teksts.\n", "text"),
        (b"<html><script>alert(1)</script></html>", "HTML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "Office"),
    ],
)
def test_what_is_no_material_is_refused_naming_what_it_looks_like(data: bytes, looks_like: str, english: None) -> None:
    with pytest.raises(ValidationError) as refusal:
        rules.detect_kind(data[:512], io.BytesIO(data))
    message = refusal.value.message_dict["file"][0]
    assert looks_like in message and "Allowed" in message


@pytest.mark.parametrize(
    "members",
    [
        {"uzdevums.pdf": PDF, "spele.exe": b"anything"},  # by its name
        {"uzdevums.pdf": PDF, "attels.png": EXE},  # a program renamed as an image
        {"instrukcija.js": b"WScript.Echo(1)"},
        {"../../etc/cron.d/x": b"text"},  # a path out of the archive
        {"word/document.xml": b"<w/>", "word/vbaProject.bin": b"\x00"},  # a Word document with macros
    ],
)
def test_a_zip_holding_a_program_or_macros_is_refused(members: dict[str, bytes], english: None) -> None:
    data = zipped(members)
    with pytest.raises(ValidationError) as refusal:
        rules.detect_kind(data[:512], io.BytesIO(data))
    assert "may not be shared" in refusal.value.message_dict["file"][0]


def test_a_damaged_or_bomb_zip_is_refused() -> None:
    data = zipped({"a.txt": b"x" * 1000})
    with pytest.raises(ValidationError):
        rules.detect_kind(data[:512], io.BytesIO(data[: len(data) // 2]))
    bomb = zipped({"nulles.bin": b"\x00" * (3 * 1024 * 1024)})  # 3 MB packed into a few KB
    with pytest.raises(ValidationError):
        rules.detect_kind(bomb[:512], io.BytesIO(bomb))


@pytest.mark.django_db
def test_a_pdf_named_docx_is_stored_as_a_pdf_and_downloaded_as_one(
    centre: Institution, staff: User, signed_in: Callable[[User], Client]
) -> None:
    material = make(centre, staff, name="stunda.docx")
    assert material.current is not None
    assert material.current.kind == "pdf" and material.current.filename == "stunda.pdf"
    answer = signed_in(staff).get(reverse("materials:material_download", args=[material.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in answer["Content-Disposition"] and "stunda.pdf" in answer["Content-Disposition"]
    assert b"".join(answer.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_on_the_upload_page_and_nothing_is_saved(
    centre: Institution, staff: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(staff)
    form = {
        "title": "Ļaunprātīgs fails",
        "author": "Nezināms",
        "language": "lv",
        "licence": "CC BY 4.0",
        "visibility": "public",
        "age_bands": [AgeBand.objects.get(code="7-10").pk],
    }
    answer = client.post(
        reverse("materials:material_add"), {**form, "file": upload("lesson.pdf", EXE, "application/pdf")}
    )
    assert answer.status_code == 400 and answer.context["form"].errors["file"]
    assert not Material.objects.exists() and not MaterialVersion.objects.exists()
    zipped_exe = zipped({"lesson.pdf": PDF, "setup.exe": EXE})
    answer = client.post(reverse("materials:material_add"), {**form, "file": upload("kit.zip", zipped_exe)})
    assert answer.status_code == 400 and not Material.objects.exists()
    answer = client.post(reverse("materials:material_add"), {**form, "file": upload("notes.pdf", b"just text\n")})
    assert answer.status_code == 400 and not Material.objects.exists()
    answer = client.post(reverse("materials:material_add"), {**form, "file": upload("lesson.pdf", PDF)})
    assert answer.status_code == 302
    saved = Material.objects.get()
    assert saved.centre == centre and saved.current is not None and saved.current.kind == "pdf"
    assert list(saved.age_bands.values_list("code", flat=True)) == ["7-10"]


@pytest.mark.django_db
def test_a_file_over_the_configured_size_is_refused(centre: Institution, staff: User, settings: Any) -> None:
    settings.MATERIAL_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as refusal:
        make(centre, staff, data=PDF + b"%" * 200)
    assert refusal.value.error_dict["file"][0].code == "too_large"
    assert not Material.objects.exists()
    settings.MATERIAL_MAX_UPLOAD_BYTES = 10_000
    assert make(centre, staff, data=PDF + b"%" * 200).current is not None


# --- versions and downloads


@pytest.mark.django_db
def test_a_new_version_becomes_current_and_only_its_downloads_count(
    centre: Institution, staff: User, signed_in: Callable[[User], Client]
) -> None:
    material = make(centre, staff)
    client = signed_in(staff)
    answer = client.post(
        reverse("materials:material_version_add", args=[material.pk]),
        {"file": upload("ķēde-2.png", PNG, "application/pdf"), "note": "Jauns attēls"},
    )
    assert answer.status_code == 302
    material.refresh_from_db()
    assert material.current is not None and material.current.number == 2 and material.current.kind == "png"
    assert material.current.note == "Jauns attēls" and material.current.uploaded_by == staff
    assert list(material.files.values_list("number", flat=True)) == [2, 1]
    old = client.get(reverse("materials:material_version_download", args=[material.pk, 1]))
    assert old.status_code == 200 and old["Content-Type"] == "application/pdf"
    assert Material.objects.get(pk=material.pk).downloads == 0  # an old version is not counted
    new = client.get(reverse("materials:material_version_download", args=[material.pk, 2]))
    assert new.status_code == 200 and new["Content-Type"] == "image/png"  # never the type the browser sent
    client.get(reverse("materials:material_download", args=[material.pk]))
    public = Client().get(reverse("centre_material_download", args=["ru", material.pk]))
    assert public.status_code == 200 and public["X-Content-Type-Options"] == "nosniff"
    assert Material.objects.get(pk=material.pk).downloads == 3
    refused = client.post(reverse("materials:material_version_add", args=[material.pk]), {"file": upload("x.png", EXE)})
    assert refused.status_code == 400 and Material.objects.get(pk=material.pk).current_id == material.current.pk
    page = client.get(reverse("materials:material_detail", args=[material.pk]))
    assert page.status_code == 200 and [v.number for v in page.context["versions"]] == [2, 1]


@pytest.mark.django_db
def test_a_stale_edit_of_the_metadata_is_refused_with_409(
    centre: Institution, staff: User, signed_in: Callable[[User], Client]
) -> None:
    material = make(centre, staff)
    client = signed_in(staff)
    page = reverse("materials:material_edit", args=[material.pk])
    form = {
        "title": "Elektriskā ķēde (labots)",
        "author": "Inga Kalniņa",
        "language": "lv",
        "licence": "CC BY-SA 4.0",
        "visibility": "teachers",
        "age_bands": [AgeBand.objects.get(code="15-19").pk],
        "version": material.version,
    }
    assert client.post(page, form).status_code == 302
    material.refresh_from_db()
    assert material.title == "Elektriskā ķēde (labots)" and material.version == 2
    assert list(material.age_bands.values_list("code", flat=True)) == ["15-19"]
    stale = client.post(page, {**form, "title": "Vecā kopija"})
    assert stale.status_code == 409 and stale.context["form"].non_field_errors()
    assert Material.objects.get(pk=material.pk).title == "Elektriskā ķēde (labots)"
    assert material.files.count() == 1  # an edit of the metadata makes no new file version


# --- who sees and changes what


@pytest.mark.django_db
def test_the_public_sees_public_materials_only_and_teachers_see_all(
    centre: Institution, staff: User, signed_in: Callable[[User], Client], school_a: Institution
) -> None:
    public = make(centre, staff, title="Saules sistēma")
    teachers = make(centre, staff, title="Ģenētikas uzdevumi", visibility=MaterialVisibility.TEACHERS)
    assert set(Material.objects.visible_to(AnonymousUser())) == {public}
    anonymous = Client()
    for lang in ("lv", "ru", "en"):
        listed = anonymous.get(reverse("centre_material_list", args=[lang]))
        assert listed.status_code == 200 and [r["material"] for r in listed.context["rows"]] == [public]
    assert anonymous.get(reverse("centre_material_download", args=["lv", teachers.pk])).status_code == 404
    assert anonymous.get(reverse("centre_material_list", args=["de"])).status_code == 404
    signed_in_page = anonymous.get(reverse("materials:material_download", args=[teachers.pk]))
    assert signed_in_page.status_code == 302  # to the sign-in page
    assert Material.objects.get(pk=teachers.pk).downloads == 0
    teacher = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[school_a]))
    listed = teacher.get(reverse("materials:material_list"))
    assert listed.status_code == 200 and set(listed.context["object_list"]) == {public, teachers}
    got = teacher.get(reverse("materials:material_download", args=[teachers.pk]))
    assert got.status_code == 200 and Material.objects.get(pk=teachers.pk).downloads == 1
    # A teacher reads but does not upload.
    assert teacher.get(reverse("materials:material_add")).status_code == 403
    assert teacher.post(reverse("materials:material_version_add", args=[public.pk]), {}).status_code == 403


@pytest.mark.django_db
def test_only_the_centres_own_staff_change_its_materials(
    centre: Institution, staff: User, signed_in: Callable[[User], Client], school_a: Institution
) -> None:
    material = make(centre, staff)
    other_centre = InstitutionFactory(name="Cits inovāciju centrs", type="innovation_centre")
    stranger = UserFactory(role=Role.CENTRE_STAFF, institutions=[other_centre])
    head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school_a])
    with pytest.raises(PermissionDenied):
        services.material_version_add(viewer=stranger, material=material, uploaded_file=upload("b.pdf", PDF), note="")
    material.title = "Pārņemts"
    with pytest.raises(PermissionDenied):
        services.material_save(viewer=stranger, material=material, expected_version=None, age_bands=[])
    with pytest.raises(PermissionDenied):  # nor by moving it to their own centre
        material.centre = other_centre
        services.material_save(viewer=stranger, material=material, expected_version=None, age_bands=[])
    with pytest.raises(PermissionDenied):  # a head of a school uploads nothing, not even for their school
        make(school_a, head, title="Galvas materiāls")
    with pytest.raises(PermissionDenied):
        make(centre, head, title="Galvas materiāls")
    stranger_client = signed_in(stranger)
    page = reverse("materials:material_edit", args=[material.pk])
    assert stranger_client.get(page).status_code == 200  # they read it (every signed-in user does)
    assert stranger_client.post(page, {"title": "X", "author": "Y", "version": 1}).status_code == 403
    assert (
        stranger_client.post(
            reverse("materials:material_version_add", args=[material.pk]), {"file": upload("b.pdf", PDF)}
        ).status_code
        == 403
    )
    head_client = signed_in(head)
    assert head_client.get(reverse("materials:material_list")).status_code == 200
    assert head_client.get(reverse("materials:material_add")).status_code == 403
    fresh = Material.objects.get(pk=material.pk)
    assert fresh.title == "Elektriskā ķēde" and fresh.centre == centre and fresh.files.count() == 1
    # The board's administrator changes any centre's.
    admin = UserFactory(role=Role.BOARD_ADMIN)
    assert services.material_version_add(viewer=admin, material=fresh, uploaded_file=upload("c.pdf", PDF)).number == 2


# --- search and filters


@pytest.mark.django_db
def test_search_ignores_case_and_latvian_diacritics_and_filters_combine(
    centre: Institution, staff: User, signed_in: Callable[[User], Client]
) -> None:
    ecology = Module.objects.get(code="ecology")
    chemistry = make(centre, staff, title="ĶĪMIJAS eksperimenti", subject="ķīmija", bands=("15-19",))
    birds = make(
        centre,
        staff,
        title="Putnu vērošana",
        author="Jānis Ozols",
        module=ecology,
        bands=("7-10",),
        language="ru",
        data=PNG,
        name="putni.png",
    )
    hidden = make(
        centre,
        staff,
        title="Šūnas uzbūve",
        description="Mikroskopa darbs ar ŠŪNĀM",
        visibility=MaterialVisibility.TEACHERS,
        bands=("10-15", "15-19"),
    )

    def found(viewer: Any, **filters: Any) -> set[Material]:
        return set(selectors.materials_for(viewer=viewer, filters=filters))

    assert found(staff, q="kimija") == {chemistry}
    assert found(staff, q="ķīmijas EKSPERIMENTI") == {chemistry}
    assert found(staff, q="ozols") == {birds}  # the author
    assert found(staff, q="šūnām") == {hidden}  # the description
    assert found(staff, q="sunam mikroskopa") == {hidden}
    assert found(staff, q="nekas tāds") == set()
    assert found(staff, module=ecology) == {birds} and found(staff, module="ecology") == {birds}
    assert found(staff, age_band="15-19") == {chemistry, hidden}
    assert found(staff, age_band=AgeBand.objects.get(code="15-19"), q="šūna") == {hidden}
    assert found(staff, language="ru") == {birds}
    assert found(staff, kind="png") == {birds} and found(staff, kind="pdf") == {chemistry, hidden}
    assert found(staff, visibility="teachers") == {hidden}
    assert found(AnonymousUser(), q="šūna") == set()
    assert found(AnonymousUser(), age_band="15-19") == {chemistry}
    client = signed_in(staff)
    listed = client.get(
        reverse("materials:material_list"), {"q": "KIMIJA", "age_band": AgeBand.objects.get(code="15-19").pk}
    )
    assert list(listed.context["object_list"]) == [chemistry]
    exported = client.get(reverse("materials:material_list"), {"kind": "pdf", "export": "csv"})
    text = exported.content.decode("utf-8-sig")
    assert exported.status_code == 200 and "ĶĪMIJAS eksperimenti" in text and "Šūnas uzbūve" in text
    assert "Putnu" not in text
    assert client.get(reverse("materials:material_list"), {"export": "xlsx"}).status_code == 200
    public = Client().get(reverse("centre_material_list", args=["en"]), {"q": "putnu", "language": "ru"})
    assert [r["material"] for r in public.context["rows"]] == [birds]


@pytest.mark.django_db
def test_the_library_page_costs_the_same_queries_for_few_or_many_materials(
    centre: Institution,
    staff: User,
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = signed_in(staff)
    page = reverse("materials:material_list")
    make(centre, staff, title="Pirmais")
    client.get(page)  # the session and the user are read once
    with django_assert_max_num_queries(14 + WALL_QUERIES):
        assert client.get(page).status_code == 200
    for n in range(20):
        make(centre, staff, title=f"Materiāls {n}", bands=("7-10", "10-15"))
    with django_assert_max_num_queries(14 + WALL_QUERIES):
        answer = client.get(page, {"q": "materiāls"})
    assert answer.status_code == 200 and len(answer.context["object_list"]) == 20
    with django_assert_max_num_queries(8):
        assert Client().get(reverse("centre_material_list", args=["lv"])).status_code == 200


# --- the demonstration


@pytest.mark.django_db
def test_the_demo_makes_30_materials_once(centre: Institution) -> None:
    demo_materials.load({"centre": centre})
    materials = Material.objects.filter(centre=centre)
    assert materials.count() == 30
    assert set(materials.values_list("module__code", flat=True)) == {m.code for m in Module.objects.all()}
    assert materials.filter(visibility=MaterialVisibility.PUBLIC).exists()
    assert materials.filter(visibility=MaterialVisibility.TEACHERS).exists()
    assert set(MaterialVersion.objects.values_list("kind", flat=True)) == {"pdf", "docx", "png", "zip"}
    assert 3 <= materials.filter(current__number=2).count() < 30
    assert all(m.current is not None and m.downloads > 0 for m in materials)
    assert all(m.age_bands.exists() for m in materials)
    before = (
        sorted(materials.values_list("pk", "version", "downloads", "current_id")),
        MaterialVersion.objects.count(),
    )
    demo_materials.load({"centre": centre})
    after = (
        sorted(materials.values_list("pk", "version", "downloads", "current_id")),
        MaterialVersion.objects.count(),
    )
    assert after == before
    assert selectors.materials_for(viewer=WHOLE_CITY).count() == 30


def test_materials_are_listed_in_the_latvian_alphabet(db: None) -> None:
    from eduboard.materials.models import Material
    from tests.factories import InstitutionFactory

    centre = InstitutionFactory(type="innovation_centre")
    for title in ("Čūskas", "Zivis", "Cilvēks", "Ābeles", "Auglis", "13. nodarbība", "4. nodarbība"):
        Material.objects.create(centre=centre, title=title, author="A")
    assert list(Material.objects.values_list("title", flat=True)) == [
        "4. nodarbība", "13. nodarbība", "Ābeles", "Auglis", "Cilvēks", "Čūskas", "Zivis",
    ]  # fmt: skip  # Latvian collation: č a letter after c; ā a long a, told apart from a only when all else is equal
