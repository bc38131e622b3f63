from eduboard.centre.models import Module
from eduboard.core.admin import register_translated

register_translated(Module)
