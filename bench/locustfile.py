"""Load test users (run by bench_load.py: locust headless, loopback only).

Finance reviewers pan and zoom the review map, auditors read the API with a token,
declarants declare needs through the web form (each a new record in their draft
declaration, marked with LOAD_MARKER so the bench can count what was written)."""

import os
import random
import re
import uuid

from locust import HttpUser, between, task

MARKER = os.environ.get("LOAD_MARKER", "load")
SAVED_LOG = os.environ.get("LOAD_SAVED_LOG")  # one line per declaration the server said it saved
TOKEN = os.environ.get("LOAD_TOKEN", "")
PASSWORD = os.environ.get("DEMO_PASSWORD", "nghean2025")
# Screen boxes over Nghệ An at a few zoom levels: (zoom, west, south, east, north).
VIEWS = [
    (8, 102.5, 17.5, 107.3, 20.9),
    (10, 104.9, 18.4, 106.1, 19.3),
    (12, 105.5, 18.6, 105.8, 18.8),
    (14, 105.64, 18.64, 105.72, 18.7),
    (16, 105.675, 18.665, 105.695, 18.68),
]
SELECTED = re.compile(r'name="agency"[^>]*>.*?<option value="([^"]+)" selected', re.S)


def login(client, username):
    client.get("/accounts/login/", name="login page")
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
        name="login",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")


class MapUser(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self):
        login(self.client, "demo-finance")

    @task(3)
    def map_data(self):
        zoom, w, s, e, n = random.choice(VIEWS)
        self.client.get("/maps/data.geojson", params={"z": zoom, "bbox": f"{w},{s},{e},{n}"}, name="map data")

    @task(2)
    def totals_in_view(self):
        _zoom, w, s, e, n = random.choice(VIEWS)
        params = {"bbox": f"{w},{s},{e},{n}"}
        if random.random() < 0.5:
            params["status"] = random.choice(["surplus", "partly_surplus", "in_use_hq"])
        self.client.get("/maps/totals.json", params=params, name="map totals")


class ApiUser(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {TOKEN}"

    @task(3)
    def premises(self):
        status = random.choice(["surplus", "partly_surplus", "in_use_hq", "handled"])
        self.client.get("/api/v1/premises/", params={"status": status, "page_size": 50}, name="api premises")

    @task(2)
    def assets(self):
        self.client.get("/api/v1/assets/", params={"asset_class": "OTO", "page_size": 50}, name="api assets")

    @task(1)
    def history(self):
        self.client.get("/api/v1/history/", params={"model": "premises", "page_size": 20}, name="api history")


class DeclarantUser(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        login(self.client, "demo-commune")

    @task
    def declare_a_need(self):
        form = self.client.get("/declarations/need/new/", name="need form")
        agency = SELECTED.search(form.text)
        purpose = f"{MARKER} {uuid.uuid4().hex}"
        with self.client.post(
            "/declarations/need/new/",
            {
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                "item_version": "0",
                "agency": agency.group(1) if agency else "",
                "kind": "floor_area",
                "floor_area": str(random.randint(50, 500)),
                "purpose": purpose,
                "urgency": "normal",
            },
            name="declare need",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved: {response.status_code}")
            elif SAVED_LOG:
                with open(SAVED_LOG, "a", encoding="utf-8") as log:
                    log.write(purpose + "\n")
