from eduboard.core.admin import register_translated
from eduboard.finance.models import FundingSource

register_translated(FundingSource)
