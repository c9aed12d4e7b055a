"""The audit and integration API (DESIGN §5): REST under /api/v1/ (DRF), GeoJSON for
spatial lists built by PostGIS, streamed CSV/XLSX exports, history, reports, and the
OGC API – Features endpoint under /ogc/ (`inventory.api.ogc`)."""
