"""The set-up scripts pick the PostgreSQL major the distribution offers (scripts/pg-major.sh).

A fake `apt-cache` on PATH prints what each distribution's apt prints; a fake
/usr/lib/postgresql (PG_LIB_DIR) holds the servers "installed"."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-major.sh"

POLICY = """postgresql:
  Installed: {installed}
  Candidate: {candidate}
  Version table:
     {candidate} 500
        500 http://deb.example/ stable/main amd64 Packages
"""


def run(tmp_path, candidate=None, installed=(), cluster=None, pg_major=None):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if candidate is not None:
        fake = bin_dir / "apt-cache"
        fake.write_text("#!/bin/sh\ncat <<'OUT'\n" + POLICY.format(installed="(none)", candidate=candidate) + "OUT\n")
        fake.chmod(0o755)
    lib = tmp_path / "lib"
    for major in installed:
        server = lib / major / "bin" / "postgres"
        server.parent.mkdir(parents=True)
        server.write_text("#!/bin/sh\n")
        server.chmod(0o755)
    args = []
    if cluster is not None:
        version_file = tmp_path / "PG_VERSION"
        version_file.write_text(cluster + "\n")
        args.append(str(version_file))
    # Only the fake apt-cache: the machine's own must not answer.
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PG_LIB_DIR": str(lib)}
    if pg_major:
        env["PG_MAJOR"] = pg_major
    if candidate is None:
        # Hide a real apt-cache by shadowing it with one that offers nothing.
        (bin_dir / "apt-cache").write_text("#!/bin/sh\necho 'postgresql:'\necho '  Candidate: (none)'\n")
        (bin_dir / "apt-cache").chmod(0o755)
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("distribution", "candidate", "major"),
    [
        ("Debian 12", "15+248+deb12u2", "15"),
        ("Ubuntu 24.04", "16+257build1.1", "16"),
        ("Debian 13", "17+278", "17"),
    ],
)
def test_a_fresh_machine_takes_the_distributions_major(tmp_path, distribution, candidate, major):
    result = run(tmp_path, candidate=candidate)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == major, distribution


def test_the_installed_candidate_is_taken_when_several_servers_are_installed(tmp_path):
    result = run(tmp_path, candidate="16+257build1.1", installed=("15", "16", "17"))
    assert result.stdout.strip() == "16"


def test_without_the_candidate_installed_the_newest_installed_server_is_taken(tmp_path):
    # apt offers 17 but only 15 and 16 are installed (and no network to install 17).
    result = run(tmp_path, candidate="17+278", installed=("15", "16"))
    assert result.stdout.strip() == "16"


def test_without_apt_the_installed_server_is_taken(tmp_path):
    result = run(tmp_path, installed=("16",))
    assert result.stdout.strip() == "16"


def test_an_existing_cluster_keeps_its_own_major(tmp_path):
    # A cluster made under 15 only runs under 15, even after the distribution moved on.
    result = run(tmp_path, candidate="17+278", installed=("15", "17"), cluster="15")
    assert result.stdout.strip() == "15"


def test_pg_major_overrides_everything(tmp_path):
    result = run(tmp_path, candidate="17+278", installed=("17",), cluster="15", pg_major="16")
    assert result.stdout.strip() == "16"


def test_nothing_offered_and_nothing_installed_is_a_clear_refusal(tmp_path):
    result = run(tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "PG_MAJOR" in result.stderr


@pytest.mark.parametrize("script", ["system-packages.sh", "pg.sh"])
def test_no_script_hard_codes_a_major(script):
    text = (ROOT / "scripts" / script).read_text()
    for major in ("15", "16", "17"):
        assert f"postgresql-{major}" not in text
        assert f"postgresql/{major}" not in text
    assert "pg_major" in text


def test_this_machines_set_up_still_finds_its_server():
    # The scripts as make runs them, on this machine: the major found has a server installed.
    env = {k: v for k, v in os.environ.items() if k not in {"PG_MAJOR", "PG_LIB_DIR"}}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert Path(f"/usr/lib/postgresql/{result.stdout.strip()}/bin/postgres").exists()


# --- the development .env (scripts/write-env.sh, read by assets_project/settings.py) ---

PYTHON = ROOT / ".venv" / "bin" / "python"
SETTINGS_PROBE = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY, settings.DATABASES['default']['PORT'])"
)
UNSET = {"DEBUG", "SECRET_KEY", "PGPORT", "DATABASE_URL", "ENV_FILE"}


def bare_env(**extra):
    """The environment of a shell that has not exported DEBUG, SECRET_KEY or PGPORT."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(DJANGO_SETTINGS_MODULE="assets_project.settings", **extra)
    return env


def probe(env):
    return subprocess.run(
        [str(PYTHON), "-c", "import django; django.setup(); " + SETTINGS_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_set_up_writes_a_development_env_once(tmp_path):
    target = tmp_path / ".env"
    env = bare_env(PGPORT="5999")
    first = subprocess.run(
        ["bash", str(ROOT / "scripts" / "write-env.sh"), str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Wrote" in first.stdout
    lines = dict(line.split("=", 1) for line in target.read_text().splitlines() if line and not line.startswith("#"))
    assert lines["DEBUG"] == "1"
    assert lines["PGPORT"] == "5999"
    assert len(lines["SECRET_KEY"]) >= 50
    assert lines["SECRET_KEY"] != "insecure-local-development-key"
    assert target.stat().st_mode & 0o077 == 0  # only its owner reads the key
    written = target.read_text()
    subprocess.run(["bash", str(ROOT / "scripts" / "write-env.sh"), str(target)], env=env, check=True)
    assert target.read_text() == written  # kept: a second make changes nothing


def test_manage_py_reads_the_env_file_without_debug_by_hand(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# a comment\n\nDEBUG=1\nSECRET_KEY='k-from-env-file'\nexport PGPORT=5999\n")
    result = probe(bare_env(ENV_FILE=str(env_file)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "k-from-env-file", "5999"]


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-file\nPGPORT=5999\n")
    result = probe(bare_env(ENV_FILE=str(env_file), SECRET_KEY="from-environment", PGPORT="5444"))
    assert result.stdout.split() == ["True", "from-environment", "5444"]


def test_without_an_env_file_production_still_refuses_a_missing_secret(tmp_path):
    result = probe(bare_env(ENV_FILE=str(tmp_path / "absent")))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("ignore_file", [".gitignore", ".dockerignore"])
def test_the_env_file_stays_out_of_git_and_the_image(ignore_file):
    assert ".env" in (ROOT / ignore_file).read_text().split()


def test_pg_sh_refuses_clearly_when_the_major_has_no_server(tmp_path):
    env = {**os.environ, "PG_MAJOR": "99", "PGPORT": "5999"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "pg.sh"), "status"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "No PostgreSQL server in /usr/lib/postgresql/99/bin" in result.stderr
