"""API tokens (Django REST framework's `Token`): one per user, issued or revoked here by
the account page and by `manage.py api_token` alike."""

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def issue_token(user) -> Token:
    """A new token for `user`; any previous one stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(user) -> bool:
    """Revoke `user`'s token; False when there was none."""
    return Token.objects.filter(user=user).delete()[0] > 0


def token_of(user) -> Token | None:
    return Token.objects.filter(user=user).first()
