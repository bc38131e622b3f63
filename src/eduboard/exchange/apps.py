from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Standard exchange formats out of the registry: OneRoster 1.2 CSV for school software (issue 43)."""

    name = "eduboard.exchange"
    label = "exchange"
    verbose_name = _("Exchange formats")
