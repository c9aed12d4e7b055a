"""manage.py api_token USERNAME [--revoke]: make (or replace) a user's API token and
print it, or revoke it."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inventory.models import User
from inventory.services.tokens import issue_token, revoke_token


class Command(BaseCommand):
    help = _("Make, replace or revoke a user's API token.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help=_("Revoke the token instead."))

    def handle(self, *args, username, revoke, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        if revoke:
            self.stdout.write(_("token revoked") if revoke_token(user) else _("the user had no token"))
            return
        self.stdout.write(issue_token(user).key)
