# PostGIS with pgRouting (road distances, maps/routing.py): the PostGIS image plus the
# pgRouting package of the same PostgreSQL major, from the image's own apt sources.
ARG POSTGIS_TAG=15-3.3
FROM postgis/postgis:${POSTGIS_TAG}
RUN apt-get update \
    && apt-get install -y --no-install-recommends "postgresql-${PG_MAJOR}-pgrouting" \
    && rm -rf /var/lib/apt/lists/*
