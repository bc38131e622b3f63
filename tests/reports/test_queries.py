"""The report's number of queries does not grow with the number of institutions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import national
from eduboard.registry.boards import several_boards
from eduboard.registry.models import Licence, Programme
from eduboard.reports.readiness import build_readiness, key_figures

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 10, 1)


def queries_of(build: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured.captured_queries)


def test_report_queries_do_not_grow_with_the_number_of_institutions() -> None:
    national.generate(scale="small", seed=1)
    # Both sets name at least one special programme, so the same reads run on both.
    Licence.objects.get_or_create(
        institution=national.generated_institutions().first(), programme=Programme.objects.get(code="01015511")
    )
    several_boards()  # the deployment's count of boards is kept (renewed when a board is added or deleted)
    small = queries_of(lambda: build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY))
    small_dashboard = queries_of(lambda: key_figures(as_of=AS_OF, visible_to=WHOLE_CITY))
    national.remove_generated()
    counts = national.generate(scale="city", seed=2)
    assert counts["institutions"] > 5 * 5
    city = queries_of(lambda: build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY))
    assert city == small
    assert queries_of(lambda: key_figures(as_of=AS_OF, visible_to=WHOLE_CITY)) == small_dashboard
    # 85 on 25 November 2026: the sentences' own figures (interest education, closures, the municipal arts
    # centres, the innovation centre's staff, the day of the last spending, the lessons by institution type)
    # added about a query each to the 75 before; none of them grows with the institutions (asserted above).
    # 90 later that day: the day of the last spending is now always looked up, for the areas' dates the content
    # states (content["dates"]). The bound catches a read per institution or group (dozens here), not one more.
    # 26 November 2026: seed 002's figures from data (issue 40, point 1) add a few reads of their own, each once:
    # the festival, the posts by their terms, the published materials, the always-or-often shares, the monitoring
    # by level, the threshold ahead and its cohort.
    # 28 November 2026: the innovation centre's programme (issue 44, point 2) is read once for the school year:
    # about ten reads (companies, fairs, their companies, events by kind and their participants, partners,
    # projects and those a partner shares).
    assert city < 120
