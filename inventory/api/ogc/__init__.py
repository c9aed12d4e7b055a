"""OGC API – Features at /ogc/: views, collections (layers), CQL2 filters, CRS, GIS password."""
