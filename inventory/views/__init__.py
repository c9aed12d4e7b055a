"""Pages of the inventory app."""
