"""What a data-quality check finds (issue 43): one row that breaks one rule.

Each area writes the checks of its own rules (`registry.checks`, `people.checks`, `finance.checks`,
`quality.checks`) as selectors that take the date, the viewer and the board's threshold and return `Finding`s; the
data-quality area (`dataquality`) keeps the rules as data, runs the checks and shows what they found. A finding
carries the values its rule's text names (`params`), not a text: the text is the board's, in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Finding:
    """One row that breaks the rule `rule`: its institution (None for a row of no one institution), the row as
    `app_label.model:pk` and the page where it is fixed, and the values the rule's text names."""

    rule: str
    institution_id: int | None
    object: str
    url: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


def object_ref(row: models.Model | type[models.Model], pk: Any = None) -> str:
    """`app_label.model:pk`, the way a finding names its row (a model instance, or a model and a primary key)."""
    model = row if isinstance(row, type) else type(row)
    return f"{model._meta.label_lower}:{row.pk if pk is None else pk}"


def object_pk(ref: object) -> int | None:
    """The primary key of a row named `app_label.model:pk` (`object_ref`), or of a bare id; None for anything else."""
    text = str(ref or "").rpartition(":")[2]
    return int(text) if text.isdigit() else None


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill_text(text: str, params: Mapping[str, str]) -> str:
    """A rule's text with its `{name}` placeholders filled from `params`; a name it does not know stays as written
    (the board edits the texts: nothing but a plain name is ever looked up)."""
    return _PLACEHOLDER.sub(lambda found: str(params.get(found.group(1), found.group(0))), text)


def last_written_by_institution(rows: models.QuerySet[Any], institution_path: str) -> dict[int, Any]:
    """{institution id: the latest `updated_at` of `rows`} grouped along `institution_path`: when each institution's
    rows of a kind were last written (the census's "sent at", issue 43)."""
    return dict(
        rows.order_by()
        .values_list(institution_path)
        .annotate(last=models.Max("updated_at"))
        .values_list(institution_path, "last")
    )
