"""Models of the maps app."""

from maps.models.layers import *  # noqa: F403
from maps.models.roads import *  # noqa: F403
from maps.models.siting import *  # noqa: F403
