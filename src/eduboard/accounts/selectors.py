"""The accounts area's reads: who holds a role where."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role


def institution_heads(*, institution_ids: Iterable[int]) -> dict[int, list[User]]:
    """{institution id: the active users who head it (role institution head, the institution among theirs) and have
    an e-mail address}, each list ordered by username (a census reminder's addressees)."""
    heads: dict[int, list[User]] = defaultdict(list)
    through = User.institutions.through
    for institution_id, user in (
        (link.institution_id, link.user)
        for link in through.objects.filter(
            institution_id__in=list(institution_ids),
            user__role=Role.INSTITUTION_HEAD,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    ):
        heads[institution_id].append(user)
    return dict(heads)
