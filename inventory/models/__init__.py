"""Domain models of the inventory (DESIGN §3)."""

from inventory.models.agencies import *  # noqa: F403
from inventory.models.assets import *  # noqa: F403
from inventory.models.attachments import *  # noqa: F403
from inventory.models.declarations import *  # noqa: F403
from inventory.models.handling import *  # noqa: F403
from inventory.models.houses import *  # noqa: F403
from inventory.models.idempotency import *  # noqa: F403
from inventory.models.needs import *  # noqa: F403
from inventory.models.plans import *  # noqa: F403
from inventory.models.premises import *  # noqa: F403
from inventory.models.public import *  # noqa: F403
from inventory.models.reference import *  # noqa: F403
from inventory.models.rollups import *  # noqa: F403
from inventory.models.units import *  # noqa: F403
from inventory.models.users import *  # noqa: F403
from inventory.models.wear import *  # noqa: F403
