"""Reference data in three languages (core.translated): the text in the active language with the Latvian as the
fallback, the same rule in queries, the shipped rows translated, and `import_reference` taking the three columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from eduboard.assets.choices import STANDARD_KINDS, ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind
from eduboard.centre.models import Module
from eduboard.core.translated import TEXT_LANGUAGES, TranslatedText, fill_translations, localized, text_in
from eduboard.finance.models import FundingSource
from eduboard.finance.sources import STANDARD_SOURCES, ensure_standard_sources
from eduboard.quality.models import (
    Criterion,
    CriterionGroup,
    FrameworkArea,
    FrameworkCriterion,
    ScaleOption,
    Subject,
)
from eduboard.registry.models import PriorityGround
from eduboard.surveys.models import Question
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def plain(row: object, field: str, language: str) -> str:
    """The definition, written out: the language's own text when it is there, else the Latvian."""
    own = getattr(row, f"{field}_{language}", "") if language != "lv" else ""
    latvian = getattr(row, f"{field}_lv", None)
    return own or (latvian if latvian is not None else getattr(row, field))


def test_the_reference_kinds_the_pages_show_are_kept_in_three_languages() -> None:
    kinds = {AssetKind, FundingSource, PriorityGround, Subject, Module, Criterion, CriterionGroup}
    kinds |= {FrameworkArea, FrameworkCriterion, ScaleOption}
    translated = {model for model in apps.get_models() if issubclass(model, TranslatedText)}
    assert kinds <= translated
    for model in translated | {Question}:
        field = getattr(model, "translated_field", "text")
        names = {f.name for f in model._meta.concrete_fields}
        assert {f"{field}_en", f"{field}_ru"} <= names, model
        assert field in names or f"{field}_lv" in names, model


@pytest.mark.parametrize("language", TEXT_LANGUAGES)
def test_a_record_reads_in_the_active_language_and_falls_back_to_latvian(language: str) -> None:
    both = AssetKind.objects.create(code="both", name="Planšete", name_en="Tablet PC", name_ru="Планшет ПК")
    latvian_only = AssetKind.objects.create(code="lv_only", name="Kamera")
    with translation.override(language):
        assert str(both) == plain(both, "name", language)
        assert str(latvian_only) == "Kamera"
    assert text_in(both, "name", "de") == "Planšete"  # a language without a column: the Latvian


@pytest.mark.parametrize("language", TEXT_LANGUAGES)
def test_queries_read_the_text_by_the_same_rule(language: str) -> None:
    institution = InstitutionFactory()
    kinds = [
        AssetKind.objects.create(code="k1", name="Projektors X", name_en="Projector X", name_ru=""),
        AssetKind.objects.create(code="k2", name="Skaļrunis", name_en="", name_ru="Колонка"),
    ]
    for number, kind in enumerate(kinds):
        Asset.objects.create(inventory_number=f"INV-{number}", kind=kind, institution=institution)
    with translation.override(language):
        assets = Asset.objects.annotate(kind_text=localized("kind__name", Asset))
        read = dict(assets.values_list("inventory_number", "kind_text"))
        direct = dict(AssetKind.objects.annotate(text=localized("name", AssetKind)).values_list("code", "text"))
    assert read == {f"INV-{n}": plain(kind, "name", language) for n, kind in enumerate(kinds)}
    assert direct["k1"] == plain(kinds[0], "name", language) and direct["k2"] == plain(kinds[1], "name", language)


def test_filling_translations_keeps_what_someone_wrote() -> None:
    Subject.objects.create(name="Fizika", name_en="Physics (own)")
    Subject.objects.create(name="Ķīmija")
    Subject.objects.create(name="Astronomija")
    changed = fill_translations(Subject, {"Fizika": ("Physics", "Физика"), "Ķīmija": ("Chemistry", "Химия")})
    assert changed == 2
    rows = {s.name: (s.name_en, s.name_ru) for s in Subject.objects.all()}
    assert rows["Fizika"] == ("Physics (own)", "Физика")
    assert rows["Ķīmija"] == ("Chemistry", "Химия")
    assert rows["Astronomija"] == ("", "")


def test_the_shipped_kinds_and_sources_are_translated() -> None:
    ensure_standard_kinds()
    ensure_standard_sources()
    for model, shipped in ((AssetKind, STANDARD_KINDS), (FundingSource, STANDARD_SOURCES)):
        for code, _name in shipped:
            row = model.objects.get(code=code)
            assert row.name_en and row.name_ru, (model.__name__, code)  # type: ignore[attr-defined]
    with translation.override("en"):
        assert str(FundingSource.objects.get(code="state")) == "State budget"
    with translation.override("ru"):
        assert str(AssetKind.objects.get(code="laptop")) == "Ноутбук"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "reference.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_reference_adds_and_translates_and_keeps_blank_cells(tmp_path: Path) -> None:
    AssetKind.objects.create(code="camera", name="Kamera", name_en="Camera", name_ru="Камера")
    out = io.StringIO()
    call_command(
        "import_reference",
        "asset_kinds",
        write(
            tmp_path,
            "code,name_lv,name_en,name_ru\ncamera,Videokamera,,Видеокамера\nplotter,Ploteris,Plotter,Плоттер\n",
        ),
        stdout=out,
    )
    camera = AssetKind.objects.get(code="camera")
    assert (camera.name, camera.name_en, camera.name_ru) == ("Videokamera", "Camera", "Видеокамера")
    plotter = AssetKind.objects.get(code="plotter")
    assert (plotter.name, plotter.name_en, plotter.name_ru) == ("Ploteris", "Plotter", "Плоттер")
    call_command(
        "import_reference", "subjects", write(tmp_path, "name_lv,name_en,name_ru\nAstronomija,Astronomy,Астрономия\n")
    )
    assert Subject.objects.get(name="Astronomija").name_ru == "Астрономия"


def test_import_reference_refuses_a_new_record_without_its_latvian_name(tmp_path: Path) -> None:
    errors = io.StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command(
            "import_reference",
            "priority_grounds",
            write(tmp_path, "code,name_lv,name_en,name_ru\nfirst,Pirmā,First,Первая\norphan,,Orphan,Сирота\n"),
            stdout=io.StringIO(),
            stderr=errors,
        )
    assert refused.value.code == 1
    assert "row 3, column name_lv: a new record needs its Latvian name" in errors.getvalue()
    assert not PriorityGround.objects.filter(code__in=["first", "orphan"]).exists()  # all or nothing


def test_a_new_priority_ground_goes_last(tmp_path: Path) -> None:
    PriorityGround.objects.create(code="sibling", name="Brālis vai māsa", rank=4)
    call_command(
        "import_reference",
        "priority_grounds",
        write(tmp_path, "code,name_lv,name_en,name_ru\nfoster,Aizbildnībā,In foster care,Под опекой\n"),
        stdout=io.StringIO(),
    )
    assert PriorityGround.objects.get(code="foster").rank == 5
