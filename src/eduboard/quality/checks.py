"""The quality area's data-quality check (issue 43; docs/figures.md, "Data quality"): an institution's exam mean far
from its own previous years, by a robust z-score."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from statistics import median

from django.urls import reverse

from eduboard.core.data_checks import Finding, object_ref
from eduboard.core.scope import Viewer
from eduboard.quality.models import ExamResult

#: Previous years an institution's result is compared with: fewer, and no year is judged.
MIN_PREVIOUS_YEARS = 3
#: The robust z-score above which a mean is an outlier, by default (Iglewicz and Hoaglin's 3.5).
DEFAULT_OUTLIER_Z = Decimal("3.5")
_CONSISTENCY = Decimal("0.6745")  # makes the median absolute deviation comparable with a standard deviation


def robust_z(value: Decimal, previous: list[Decimal]) -> Decimal | None:
    """How far `value` is from `previous` in a robust z-score: 0.6745 × (value − median) ÷ MAD, where MAD is the
    median of the previous values' absolute deviations from their median; None when MAD is 0 (no spread to judge
    against) or fewer than MIN_PREVIOUS_YEARS values are given."""
    if len(previous) < MIN_PREVIOUS_YEARS:
        return None
    middle = median(previous)
    spread = median([abs(one - middle) for one in previous])
    if spread == 0:
        return None
    return _CONSISTENCY * (value - middle) / spread


def exam_outlier(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Exam results (years up to that of `as_of`) of the viewer's institutions whose mean % is more than
    `threshold` (3.5 by default) robust z-scores from the same institution's means in the same exam, subject, level
    and grade in all earlier years (`robust_z`; at least MIN_PREVIOUS_YEARS of them)."""
    limit = threshold if threshold is not None else DEFAULT_OUTLIER_Z
    series: dict[tuple, list[tuple[int, Decimal, int]]] = defaultdict(list)
    for pk, institution_id, year, exam, subject_id, level, grade, mean in (
        ExamResult.objects.visible_to(visible_to)
        .filter(sitting__year__lte=as_of.year, mean_percent__isnull=False)
        .values_list(
            "pk",
            "institution_id",
            "sitting__year",
            "sitting__exam",
            "sitting__subject_id",
            "sitting__level",
            "sitting__grade",
            "mean_percent",
        )
        .order_by("sitting__year", "pk")
    ):
        series[(institution_id, exam, subject_id, level, grade)].append((year, mean, pk))
    found = []
    for key, results in series.items():
        for index, (year, mean, pk) in enumerate(results):
            previous = [earlier for earlier_year, earlier, _pk in results[:index] if earlier_year < year]
            z = robust_z(mean, previous)
            if z is not None and abs(z) > limit:
                found.append(
                    Finding(
                        "exam_outlier",
                        key[0],
                        object_ref(ExamResult, pk),
                        f"{reverse('quality:exam_result_list')}?year={year}",
                        {
                            "result": str(pk),
                            "mean": f"{mean:.2f}",
                            "median": f"{median(previous):.2f}",
                            "z": f"{z:.1f}",
                        },
                    )
                )
    sittings = {
        result.pk: str(result.sitting)
        for result in ExamResult.objects.filter(pk__in=[int(f.params["result"]) for f in found]).select_related(
            "sitting__subject"
        )
    }
    return [
        Finding(f.rule, f.institution_id, f.object, f.url, {**f.params, "result": sittings[int(f.params["result"])]})
        for f in found
    ]
