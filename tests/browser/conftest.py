"""Browser tests: Debian's Chromium driven by Playwright against a live server that
serves the session's test database (reference and demo data already loaded)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """A live server in a thread, over the committed session data (no per-test flush)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()
        thread.join(timeout=10)
        _end_other_sessions()


def _end_other_sessions():
    """Request threads of the live server that served keep-alive connections can outlive
    it with their database session open, and the test database cannot be dropped while
    a session uses it: end them (browser tests run last, so nothing needs them)."""
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(scope="session")
def playwright(live_url):
    """The one Playwright of the run (a second one cannot start inside its loop); it
    depends on the live server so that browsers close first, ending the keep-alive
    connections whose request threads hold database sessions."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    """Chromium, shared by the tests."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(playwright, tmp_path):
    """A phone (390×844, touch) with a persistent profile: `phone()` opens Chromium on the
    profile folder, `phone()` again after closing it reopens the same profile (cookies,
    IndexedDB, service worker and its caches kept). Every context is closed at the end."""
    profile = tmp_path / "phone-profile"
    opened = []

    def launch():
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="vi-VN",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield launch
    for context in opened:
        context.close()  # a no-op for one the test closed


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot(request):
    """Save a screenshot under test-artifacts/browser/<test>/<n>-<name>.png."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name):
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take
