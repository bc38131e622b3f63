from eduboard.assets.models import AssetKind
from eduboard.core.admin import register_translated

register_translated(AssetKind)
