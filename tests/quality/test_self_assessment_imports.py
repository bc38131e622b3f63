"""`import_quality self_assessment` and `import_quality head_evaluations`: what a file starts and fills, what it
refuses (saving nothing), scope, and that a second run changes nothing."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7, FRAMEWORK_MK325
from eduboard.quality.importers import HeadEvaluationImporter, SelfAssessmentImporter
from eduboard.quality.models import HeadEvaluation, SelfAssessment
from tests.factories import UserFactory
from tests.quality.conftest import World, teacher

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

HEADER = "institution,school_year,framework,criterion,level,description,strengths,next_steps\n"
HEADS_HEADER = "institution,head_personal_code,evaluated_on,criterion,level\n"


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(importer: SelfAssessmentImporter | HeadEvaluationImporter, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportFailed) as failure:
        importer.run(path)
    return [(error.row, error.column, error.message) for error in failure.value.errors]


def test_a_head_imports_their_schools_self_assessment_into_a_new_draft(world: World, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "9000000011,2024/2025,areas7,2.1,labi,Stundām ir mērķi.,Pieredzes apmaiņa.,Digitālie rīki.\n"
        + "9000000011,2024/2025,areas7,1,very_good,Programmas atbilst standartiem.,,\n"
        + "9000000011,2024/2025,areas7,4.6,,Gatavi uzņemt izglītojamos ar speciālām vajadzībām.,,\n",
    )
    result = SelfAssessmentImporter(viewer=world.head).run(path)
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assessment = SelfAssessment.objects.get(institution=world.school, school_year__code="2024/2025")
    assert assessment.status == "draft" and assessment.framework.code == FRAMEWORK_AREAS7
    entries = {e.criterion.code: e for e in assessment.entries.select_related("criterion")}
    assert len(entries) == 20  # every criterion of the framework, as a started draft has
    assert (entries["2.1"].level, entries["2.1"].strengths, entries["2.1"].next_steps) == (
        "good", "Pieredzes apmaiņa.", "Digitālie rīki.",
    )  # fmt: skip
    assert entries["1"].level == "very_good"
    assert entries["4.6"].level == "" and entries["4.6"].description.startswith("Gatavi")  # blank: not rated
    versions = (assessment.version, entries["2.1"].version)
    again = SelfAssessmentImporter(viewer=world.head).run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assessment.refresh_from_db()
    entries["2.1"].refresh_from_db()
    assert (assessment.version, entries["2.1"].version) == versions  # a second run changes nothing


def test_an_imported_change_counts_as_an_edit_so_an_older_copy_is_stale(world: World, tmp_path: Path) -> None:
    year = school_year_get_or_create(code="2024/2025")
    assessment = services.self_assessment_start(
        institution=world.school, school_year=year, framework=selectors.framework_in_use(code=FRAMEWORK_MK325),
        viewer=WHOLE_CITY,
    )  # fmt: skip
    entry = assessment.entries.get(criterion__code="2.1")
    before = entry.version
    result = SelfAssessmentImporter(viewer=world.head).run(
        write(tmp_path, HEADER + "9000000011,2024/2025,mk325_2024,2.1,good,Jauns apraksts.,,\n")
    )
    assert result.updated == 1
    entry.refresh_from_db()
    assert entry.version == before + 1 and entry.description == "Jauns apraksts."
    entry.description = "Vecā kopija"
    with pytest.raises(ValidationError) as stale:
        services.self_assessment_entry_save(entry=entry, viewer=world.head, expected_version=before)
    assert stale.value.code == "stale"


def test_a_bad_self_assessment_file_saves_nothing_and_says_where(world: World, tmp_path: Path) -> None:
    year = school_year_get_or_create(code="2024/2025")
    published = services.self_assessment_start(
        institution=world.other_school, school_year=year, framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )  # fmt: skip
    SelfAssessment.objects.filter(pk=published.pk).update(status="published")
    rows = [
        "9000000015,2024/2025,areas7,2.1,good,,,",  # 2: another school (not the head's)
        "9000000011,2024/2025,areas7,9.9,good,,,",  # 3: no such criterion
        "9000000011,2024/2025,areas7,2.2,great,,,",  # 4: no such level
        "9000000011,2024-2025,areas7,2.3,good,,,",  # 5: a school year written wrong
        "9000000011,2024/2025,areas7,2.1,good,,,",  # 6: fine
        "9000000011,2024/2025,areas7,2.1,labi,,,",  # 7: the same criterion again
        "9000000011,2024/2025,mk325_2024,1.1,good,,,",  # 8: another framework for the same year
    ]
    errors = refused(SelfAssessmentImporter(viewer=world.head), write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert [(row, column) for row, column, _message in errors] == [
        (2, "institution"), (3, "criterion"), (4, "level"), (5, "school_year"), (7, "-"), (8, "framework"),
    ]  # fmt: skip
    assert "9000000015" in errors[0][2]
    assert not SelfAssessment.objects.filter(institution=world.school).exists()  # nothing saved
    # A published self-assessment is frozen, also to the board's import.
    errors = refused(
        SelfAssessmentImporter(viewer=WHOLE_CITY),
        write(tmp_path, HEADER + "9000000015,2024/2025,areas7,2.1,good,Jauns,,\n"),
    )
    assert errors[0][:2] == (2, "school_year") and "2024/2025" in errors[0][2]


def head_with_account(world: World) -> tuple[User, str]:
    user = UserFactory(username="vaditajs", role=Role.INSTITUTION_HEAD, institutions=[world.school])
    person = teacher("Inese", "Vadītāja", world.school, date(1970, 4, 4), user)
    Employment.objects.filter(staff_member=person).update(position=PositionKind.objects.get(code="head"))
    return user, person.personal_code


def test_the_board_imports_heads_evaluations_which_only_the_head_concerned_sees(world: World, tmp_path: Path) -> None:
    user, code = head_with_account(world)
    path = write(
        tmp_path,
        HEADS_HEADER
        + f"9000000011,{code},2024-05-31,4.1,very_good\n"
        + f"9000000011,{code},2024-05-31,4.2,izcili\n"
        + f"9000000011,{code},2024-05-31,overall,excellent\n",
    )
    out = StringIO()
    call_command("import_quality", "head_evaluations", str(path), stdout=out)
    evaluation = HeadEvaluation.objects.get()
    assert evaluation.overall_level == "excellent" and evaluation.framework.code == "heads_2024"
    assert dict(evaluation.levels.values_list("criterion__code", "level")) == {"4.1": "very_good", "4.2": "excellent"}
    version = evaluation.version
    again = HeadEvaluationImporter(viewer=WHOLE_CITY).run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    evaluation.refresh_from_db()
    assert evaluation.version == version
    assert list(HeadEvaluation.objects.visible_to(user)) == [evaluation]
    assert not HeadEvaluation.objects.visible_to(world.head).exists()  # another head's account
    assert not HeadEvaluation.objects.visible_to(world.anna_user).exists()
    stats = StringIO()
    call_command("quality_stats", "heads", "--as-of", "2024-06-01", stdout=stats)
    assert json.loads(stats.getvalue())["levels"]["excellent"] == 1


def test_heads_evaluations_are_the_boards_and_the_head_must_work_there(world: World, tmp_path: Path) -> None:
    _user, code = head_with_account(world)
    path = write(tmp_path, HEADS_HEADER + f"9000000011,{code},2024-05-31,overall,good\n")
    errors = refused(HeadEvaluationImporter(viewer=world.head), path)
    assert errors[0][:2] == (2, "institution")
    errors = refused(
        HeadEvaluationImporter(viewer=WHOLE_CITY),
        write(
            tmp_path,
            HEADS_HEADER
            + f"9000000015,{code},2024-05-31,overall,good\n"  # employed at the other school? no
            + f"9000000011,{code},2024-05-31,5.1,good\n"  # not a criterion of the heads' framework
            + f"9000000011,{code},2024-05-31,overall,\n",  # a level is required
        ),
    )
    assert [(row, column) for row, column, _message in errors] == [
        (2, "head_personal_code"), (3, "criterion"), (4, "level"),
    ]  # fmt: skip
    assert "*" in errors[0][2] and code not in errors[0][2]  # the personal code shown masked
    assert not HeadEvaluation.objects.exists()
