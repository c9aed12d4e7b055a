"""manage.py protect_history --role ROLE: give the application's database role what it
needs on every table, but no UPDATE, DELETE or TRUNCATE on the history (event) tables,
no DELETE on the records that are only ever deleted softly (those with a
`no_hard_delete` trigger: premises, assets, needs, handling records, attachments) and
no TRUNCATE anywhere. The triggers stop everyone else; privileges also stop the
application's role from telling the triggers to step aside (`pgtrigger.ignore`).

Run it as the owner of the tables (the role that runs migrations), after migrating; the
application then connects as ROLE (a role that is not a superuser and does not own the
tables). PostgreSQL itself then refuses any change to history by the application, on top
of the append-only triggers on each event table."""

import pghistory.models
import pgtrigger
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from psycopg2 import sql


def soft_delete_tables() -> list[str]:
    """Tables whose rows the application never deletes outright."""
    guarded = {model._meta.db_table for model, trigger in pgtrigger.registered() if trigger.name == "no_hard_delete"}
    return sorted(guarded)


def event_tables() -> list[str]:
    return sorted(
        m._meta.db_table for m in apps.get_models() if issubclass(m, pghistory.models.Event) and not m._meta.proxy
    )


class Command(BaseCommand):
    help = _("Grant the application's database role what it needs, except changing history.")

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help=_("The role the application connects as."))
        parser.add_argument(
            "--password", help=_("Create the role (a login, not a superuser) with this password if it is missing.")
        )

    def handle(self, *args, role, password, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None and password:
                cursor.cursor.execute(
                    sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s").format(
                        sql.Identifier(role)
                    ),
                    [password],
                )
                row = (False,)
            if row is None:
                raise CommandError(_("No database role %(role)s.") % {"role": role})
            if row[0]:
                raise CommandError(_("%(role)s is a superuser: privileges cannot restrain it.") % {"role": role})
            ident = sql.Identifier(role)
            raw = cursor.cursor
            raw.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
            raw.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ident)
            )
            raw.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident))
            tables = event_tables()
            for table in tables:
                raw.execute(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident)
                )
            for table in soft_delete_tables():
                raw.execute(sql.SQL("REVOKE DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident))
        self.stdout.write(
            _("%(role)s may read and write the records; %(n)s history tables are insert-only for it.")
            % {"role": role, "n": len(tables)}
        )
