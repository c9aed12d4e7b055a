"""Small steps the browser tests share."""


def confirm(page):
    """Accept the confirmation a page asks before a form sends, withdraws or closes
    something (forms with data-confirm, static/js/app.js)."""
    page.locator("[data-testid=confirm-dialog] [data-testid=confirm-ok]").click()
