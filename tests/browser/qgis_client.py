"""Run by Debian's python3 (not the project's virtualenv), in a subprocess: QGIS 3.22
loads OGC API – Features layers through its OAPIF provider, authenticated by a "Basic"
configuration of its auth manager, and prints what it read as JSON.

    python3 qgis_client.py '{"base": ..., "username": ..., "password": ..., "layers": [...]}'

Each layer: {"name", "typename", "query" (the connection URL's query string, sent by
QGIS with every request), "key" (the attribute that identifies a feature)}."""

import json
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QGIS_AUTH_DB_DIR_PATH", tempfile.mkdtemp(prefix="qgis-auth-"))

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsVectorLayer

QgsApplication.setPrefixPath("/usr", True)


def main(spec):
    app = QgsApplication([], False)
    app.initQgis()
    manager = QgsApplication.authManager()
    manager.setMasterPassword("qgis-test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("GIS password")
    config.setConfig("username", spec["username"])
    config.setConfig("password", spec["password"])
    stored = manager.storeAuthenticationConfig(config)
    ok = stored[0] if isinstance(stored, tuple) else stored
    result = {"auth_stored": bool(ok), "layers": {}}
    for layer_spec in spec["layers"]:
        url = spec["base"] + "/ogc" + (f"?{layer_spec['query']}" if layer_spec.get("query") else "")
        layer = QgsVectorLayer(f"url='{url}' typename='{layer_spec['typename']}' authcfg={config.id()}",
                               layer_spec["name"], "OAPIF")
        out = {"valid": layer.isValid(), "count": None, "keys": [], "geometries": 0}
        if layer.isValid():
            out["count"] = layer.featureCount()
            key = layer_spec.get("key", "id")
            for feature in layer.getFeatures():
                out["keys"].append(feature[key])
                out["geometries"] += int(feature.hasGeometry())
            out["crs"] = layer.crs().authid()
        else:
            out["error"] = layer.dataProvider().error().message() if layer.dataProvider() else ""
        result["layers"][layer_spec["name"]] = out
    print(json.dumps(result, default=str), flush=True)
    # QGIS 3.22 can crash in its own teardown (exitQgis with providers' network threads
    # alive): everything is read and printed, so leave without it.
    os._exit(0)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
