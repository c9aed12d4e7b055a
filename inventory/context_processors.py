"""What every page needs to know about the user: role flags and unread notifications."""

from inventory.permissions import can_administer, can_declare, can_review, can_see_siting


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_declare": can_declare(user),
        "can_review": can_review(user),
        "can_see_siting": can_see_siting(user),
        "can_administer": can_administer(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }


def csp_nonce(request):
    """`csp_nonce`: the nonce that lets an inline script run under the content security
    policy (the name django-leaflet's templates use)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
