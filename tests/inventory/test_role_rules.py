"""Role rules are written once, in `inventory/permissions.py` (issue 16): a table of what
each kind of user may do, written here by hand, and a scan of every view, API view,
admin, service and template that fails if any of them reads a user's role itself."""

import io
import re
import sys
import tokenize
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inventory import permissions
from inventory.choices import Role
from inventory.models import Asset, Declaration, HandlingRecord, Need, Premises
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

# Where a role may be named: the rules themselves, the choice list, the user model's field,
# and the demo data that creates users of each role.
ALLOWED = {
    "inventory/permissions.py",
    "inventory/choices.py",
    "inventory/models/users.py",
    "inventory/demo.py",
}


def role_reads(source: str) -> list[str]:
    """The places in Python `source` that read a role: `x.role`, `Role.X`, `x.is_superuser`,
    `x.is_staff` (in code; strings such as admin column names do not count)."""
    found = []
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.NL]
    for before, token, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if token.type != tokenize.NAME:
            continue
        attribute = before.string == "." and token.string in ("role", "is_superuser", "is_staff")
        role_member = token.string == "Role" and after.string == "."
        if attribute or role_member:
            found.append(f"{token.start[0]}: {token.line.strip()}")
    return found


def test_the_scan_finds_what_it_looks_for():
    source = 'a = user.role == Role.ADMIN\nb = request.user.is_superuser\nc = ("role", "is_staff")\n'
    assert role_reads(source) == [
        "1: a = user.role == Role.ADMIN",
        "1: a = user.role == Role.ADMIN",
        "2: b = request.user.is_superuser",
    ]


def _callbacks(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            yield getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback


def _project_file(module_name: str) -> str | None:
    module = sys.modules.get(module_name)
    path = Path(getattr(module, "__file__", "") or "")
    if not path.is_file() or ROOT not in path.parents or ".venv" in path.parts:
        return None
    return str(path.relative_to(ROOT))


def test_every_view_api_view_and_admin_is_scanned():
    """Every module that serves a URL (pages, API viewsets, OGC) or registers an admin
    page, found by walking the URL conf and the admin registry, not from a list."""
    modules = {_project_file(view.__module__) for view in _callbacks(get_resolver().url_patterns)}
    modules |= {_project_file(type(model_admin).__module__) for model_admin in admin.site._registry.values()}
    modules.discard(None)
    assert {"inventory/views/declarations.py", "inventory/api/views.py", "inventory/admin.py"} <= modules
    assert {"maps/views/siting.py", "maps/views/reallocation.py", "maps/admin.py"} <= modules
    offenders = {
        module: reads
        for module in sorted(modules - ALLOWED)
        if (reads := role_reads((ROOT / module).read_text(encoding="utf-8")))
    }
    assert offenders == {}, "role rules belong in inventory/permissions.py"


def test_no_module_or_template_reads_a_role_itself():
    python = [
        p
        for app in ("inventory", "maps", "assets_project")
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts and str(p.relative_to(ROOT)) not in ALLOWED
    ]
    assert len(python) > 50
    offenders = {
        str(p.relative_to(ROOT)): reads for p in python if (reads := role_reads(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "role rules belong in inventory/permissions.py"
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    assert len(templates) > 30
    in_templates = re.compile(r"user\.(role|is_staff|is_superuser)\b|\bRole\.")
    offenders = {str(p.relative_to(ROOT)) for p in templates if in_templates.search(p.read_text(encoding="utf-8"))}
    assert offenders == set()


# -- the rules, role by role (expectations written here, from DESIGN §2) -------------------

KINDS = ["anonymous", "declarant", "unbound declarant", "finance", "auditor", "administrator", "superuser"]
#                        anon   decl   unbound fin    aud    admin  super
RULES = {
    "sees_everything": (False, False, False, True, True, True, True),
    "can_declare": (False, True, False, False, False, False, False),
    "can_review": (False, False, False, True, False, True, True),
    "can_delete": (False, False, False, True, False, True, True),
    "can_restore": (False, False, False, False, False, True, True),
    "can_administer": (False, False, False, False, False, True, True),
    "can_see_siting": (False, False, False, True, True, True, True),
}


@pytest.fixture
def people(db):
    unit = factories.unit()
    declarant = factories.declarant(unit)
    unbound = factories.user(role=Role.DECLARANT)
    return {
        "anonymous": AnonymousUser(),
        "declarant": declarant,
        "unbound declarant": unbound,
        "finance": factories.user(role=Role.FINANCE, is_staff=True),
        "auditor": factories.user(role=Role.AUDITOR, is_staff=True),
        "administrator": factories.user(role=Role.ADMIN, is_staff=True),
        "superuser": factories.user(role=Role.DECLARANT, is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_for_each_kind_of_user(people, rule):
    got = tuple(getattr(permissions, rule)(people[kind]) for kind in KINDS)
    assert dict(zip(KINDS, got, strict=True)) == dict(zip(KINDS, RULES[rule], strict=True))


def test_history_is_read_by_the_province_and_by_declarants_for_what_they_declare(people):
    declared = (Premises, Asset, Need)
    for model in (*declared, Declaration, HandlingRecord):
        assert permissions.can_read_history(people["auditor"], model)
        assert permissions.can_read_history(people["declarant"], model) is (model in declared)
        assert not permissions.can_read_history(people["anonymous"], model)


def test_filing_and_planning_for_an_agency(people):
    own = factories.agency(admin_unit=people["declarant"].admin_unit)
    other = factories.agency(admin_unit=factories.unit("Xã Mỹ Lý"))
    own_site, other_site = factories.premises(agency=own), factories.premises(agency=other)
    assert permissions.can_file_for(people["declarant"], own)
    assert not permissions.can_file_for(people["declarant"], other)
    assert permissions.can_file_for(people["finance"], other)
    assert not permissions.can_file_for(people["auditor"], own), "auditors change nothing"
    assert permissions.can_plan(people["declarant"], own_site)
    assert not permissions.can_plan(people["declarant"], other_site)
    assert not permissions.can_plan(people["auditor"], own_site)


@pytest.mark.parametrize(
    ("kind", "siting", "admin_link"),
    [("declarant", False, False), ("finance", True, False), ("auditor", True, False), ("administrator", True, True)],
)
def test_the_menu_follows_the_rules(client, people, kind, siting, admin_link):
    client.force_login(people[kind])
    page = client.get(reverse("inventory:home")).content.decode()
    assert (f'href="{reverse("maps:siting_list")}"' in page) is siting
    assert (f'href="{reverse("admin:index")}"' in page) is admin_link
