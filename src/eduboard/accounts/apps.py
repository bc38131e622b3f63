from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eduboard.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import pre_save

        from eduboard.accounts.models import ApiToken, User
        from eduboard.accounts.signals import revoke_api_tokens_on_password_change_or_deactivation

        pre_save.connect(revoke_api_tokens_on_password_change_or_deactivation, sender=User)

        # Personal data of staff accounts; secrets and bookkeeping fields are left out.
        auditlog.register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"institutions", "boards"},
        )
        # Who made, and who revoked, a token and until when; its secret's hash and its last use stay out.
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
