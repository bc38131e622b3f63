"""Import pages: upload, every error listed, nothing saved, templates, progress."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.functional import Promise

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.jobs import IMPORT_KINDS
from eduboard.core.models import ImportJob
from eduboard.registry.models import Enrolment, Learner
from eduboard.registry.synthetic import PersonalCodes
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
HEADER = (
    "personal_code,first_name,last_name,birth_date,declared_municipality,"
    "institution,school_year,group,enrolled_on,left_on\n"
)


@pytest.fixture
def world() -> World:
    return build_world(pupils=0)


def upload(client: Client, text: str, name: str = "learners.csv") -> str:
    response = client.post(
        "/imports/registry/learners/", {"file": SimpleUploadedFile(name, text.encode(), "text/csv")}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_bad_file_lists_every_bad_row_and_saves_nothing(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from datetime import date

    good = PersonalCodes().for_birth_date(date(2017, 5, 4))
    bad_checksum = good[:-1] + str((int(good[-1]) + 1) % 10)
    text = (
        HEADER
        + f"{good},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
        + f"{bad_checksum},Ivo,Egle,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
        + f"{good}9,Eva,Ozola,2017-05-04,Daugavpils,9999999999,2024/2025,1.a,2024-31-01,\n"
    )
    page = upload(signed_in(make_user(Role.INSTITUTION_HEAD, [world.school])), text)
    assert "row 3, column personal_code" in page
    assert "row 4, column personal_code" in page
    assert Learner.objects.count() == 0
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.total_errors >= 2


def test_a_good_file_is_imported_and_a_second_time_changes_nothing(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from datetime import date

    code = PersonalCodes().for_birth_date(date(2017, 5, 4))
    text = HEADER + f"{code},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    assert "izveidotas 1," in upload(client, text)
    assert "izveidotas 0, atjauninātas 0, nemainītas 1" in upload(client, text)
    assert Enrolment.objects.filter(group=world.class_1a).count() == 1


def test_a_head_cannot_import_into_another_school(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from datetime import date

    code = PersonalCodes().for_birth_date(date(2017, 5, 4))
    text = HEADER + f"{code},Anna,Liepa,2017-05-04,Daugavpils,9000000015,2024/2025,1.b,2024-09-01,\n"
    page = upload(signed_in(make_user(Role.INSTITUTION_HEAD, [world.school])), text)
    assert "row 2, column institution" in page
    assert Learner.objects.count() == 0


def test_templates_download_with_the_exact_columns(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.BOARD_ADMIN))
    csv_template = client.get("/imports/registry/learners/template.csv").content.decode()
    assert csv_template.splitlines()[0] == HEADER.strip() + ",leaving_reason"  # the optional last column
    assert client.get("/imports/registry/groups/template.xlsx").status_code == 200


def test_staff_without_the_right_cannot_import(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_STAFF, [world.school]))
    assert client.get("/imports/registry/learners/").status_code == 403


def test_the_job_page_answers_htmx_with_the_progress_fragment(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = make_user(Role.INSTITUTION_HEAD, [world.school])
    job = ImportJob.objects.create(area="registry", kind="learners", filename="big.csv", created_by=user)
    response = signed_in(user).get(f"/imports/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<progress" in text and "<html" not in text
    assert 'hx-trigger="every 1s"' in text
    assert (
        signed_in(make_user(Role.INSTITUTION_HEAD, [world.school])).get(f"/imports/jobs/{job.pk}/").status_code == 404
    )


def test_import_kinds_are_named_in_the_user_s_language_not_by_their_codes(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board = signed_in(make_user(Role.BOARD_ADMIN))
    index = board.get("/imports/").content.decode()
    assert "Iestāžu eksāmenu rezultāti" in index and ">exam_results<" not in index
    assert "personal_code, first_name, last_name" in index  # each kind's columns, as the template has them
    start = board.get("/imports/quality/exam_results/").content.decode()
    assert "Iestāžu eksāmenu rezultāti</h1>" in start


def test_every_import_page_explains_its_columns_in_the_users_language(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """The "allowed values" of each column are help for people: Latvian by default, Russian on request; the codes
    themselves (yes|partly|no, YYYY-MM-DD) stay as the file must hold them."""
    untranslated = {}
    for (area, kind), importer in IMPORT_KINDS.items():
        for column, allowed in importer.codes.items():
            if not isinstance(allowed, Promise):  # a list of codes, the same in every language
                continue
            with translation.override("en"):
                english = str(allowed)
            for language in ("lv", "ru"):
                with translation.override(language):
                    if str(allowed) == english:
                        untranslated[f"{area}/{kind}/{column}/{language}"] = english
    assert untranslated == {}
    page = signed_in(make_user(Role.BOARD_ADMIN)).get("/imports/assets/assets/").content.decode()
    with translation.override("lv"):
        latvian = str(IMPORT_KINDS[("assets", "assets")].codes["inventory_number"])
    assert latvian in page and "unique across the board" not in page
