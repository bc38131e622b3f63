from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eduboard.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.accounts.models import User

        # Personal data of staff accounts; secrets and bookkeeping fields are left out.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"institutions"},
        )
