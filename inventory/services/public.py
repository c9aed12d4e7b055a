"""The public register: Finance publishes and withdraws sites; anyone registers interest."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.choices import PUBLISHABLE_PREMISES_STATUSES
from inventory.models import Attachment, InterestRegistration, PublicListing
from inventory.permissions import can_review


@transaction.atomic
def publish(actor, premises, summary: str = "", photos=()) -> PublicListing:
    """Publish a site in the public register (or publish it again after a withdrawal)."""
    if not can_review(actor):
        raise PermissionDenied
    if premises.status not in PUBLISHABLE_PREMISES_STATUSES or premises.is_deleted:
        raise ValidationError(_("Only a surplus, partly surplus, under-handling or handled site can be published."))
    listing, _created = PublicListing.objects.select_for_update().get_or_create(
        premises=premises, defaults={"published_by": actor, "published_at": timezone.now(), "summary": summary}
    )
    if not _created:
        listing.published_by = actor
        listing.published_at = timezone.now()
        listing.withdrawn = False
        listing.withdrawn_at = None
        if summary:
            listing.summary = summary
        listing.save()
    if photos:
        listing.photos.set(Attachment.objects.filter(premises=premises, pk__in=[p.pk for p in photos]))
    return listing


@transaction.atomic
def withdraw(actor, listing: PublicListing) -> PublicListing:
    """Take a site out of the public register; the listing and its history stay."""
    if not can_review(actor):
        raise PermissionDenied
    listing.withdrawn = True
    listing.withdrawn_at = timezone.now()
    listing.save()
    return listing


def _throttle_key(address: str) -> str:
    return f"public-interest:{address}"


def interest_allowed(address: str) -> bool:
    """Counts one submission from `address` and says whether it is within the limit of
    PUBLIC_INTEREST_LIMIT per PUBLIC_INTEREST_WINDOW seconds (Django's cache)."""
    key = _throttle_key(address)
    window = settings.PUBLIC_INTEREST_WINDOW
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=window)
        return True
    return count <= settings.PUBLIC_INTEREST_LIMIT


@transaction.atomic
def register_interest(premises, data: dict) -> InterestRegistration:
    """Store a registration of interest (cleaned by the form) for a published site."""
    registration = InterestRegistration(premises=premises, **data)
    registration.full_clean()
    registration.save()
    return registration
