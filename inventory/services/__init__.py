"""Operations over several rows or with side effects, called by the views, the admin,
the API and commands alike, each with an explicit actor and inside a transaction."""

from inventory.services.records import dashboard_totals, revalue_class

__all__ = ["dashboard_totals", "revalue_class"]
