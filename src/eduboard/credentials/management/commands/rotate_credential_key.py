"""`manage.py rotate_credential_key [--centre REGNR]`: a new signing key for a centre (every centre that has one
without --centre). The old keys' public halves stay (what they signed still verifies); their private files go."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from eduboard.core.commands import EduboardCommand
from eduboard.core.scope import WHOLE_CITY
from eduboard.credentials import keys
from eduboard.credentials.models import SigningKey
from eduboard.credentials.services import signing_key_rotate
from eduboard.registry.models import Institution


class Command(EduboardCommand):
    help = _("Give a centre a new key for signing its credentials; the old public keys stay for verification.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", metavar="REGNR", help=_("the centre's registration number"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["centre"]:
            centres = list(Institution.objects.filter(registration_number=options["centre"]))
            if not centres:
                raise CommandError(_("No institution has the registration number %s.") % options["centre"])
        else:
            ids = SigningKey.objects.values_list("centre_id", flat=True).distinct()
            centres = list(Institution.objects.filter(pk__in=ids).order_by("name"))
            if not centres:
                self.stdout.write(_("No centre has a signing key yet; one is made when it first issues a credential."))
                return
        for centre in centres:
            made, retired = signing_key_rotate(viewer=WHOLE_CITY, centre=centre)
            self.stdout.write(
                _("%(centre)s: new key %(kid)s; retired %(count)d (public keys kept): %(old)s")
                % {
                    "centre": centre.name,
                    "kid": made.kid,
                    "count": len(retired),
                    "old": ", ".join(old.kid for old in retired) or "—",
                }
            )
        self.stdout.write(_("Private keys are in %s.") % keys.keys_dir())
