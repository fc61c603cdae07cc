"""Simulated users of the portal, for locust (started by scripts/loadtest.sh).

Environment:
  LOADTEST_PLAN      the JSON written by loadtest/setup_data.py (accounts and URLs)
  LOADTEST_PASSWORD  the load-test accounts' password
  LOADTEST_HOSTS     the app servers, comma-separated (e.g. http://127.0.0.1:8101,http://...:8102)
  LOADTEST_OFFSET    the first reporter of the plan this run uses (each run takes fresh grids)
  LOADTEST_RESULTS   where to write, when the run stops, every save the clients saw succeed
                     and every request's time (for exact percentiles)

Every simulated user alternates its requests between the servers: it logs in on one, loads a
page on the other, and so on; a grid it loaded from one server is saved through the other.

Two kinds of user, three reporters to one leader:
- a reporter opens its district's dashboard, task board and indicator pages, downloads its
  entry workbook and its district's reports, and saves figures in its own entry grid: it loads
  the grid, changes its indicators' values, and posts the whole grid back with the versions it
  loaded, like the browser does. Only a redirect back to the grid counts as a save;
- a leader reads the overview, the real districts' dashboards, task boards and indicator
  pages, and downloads the districts' reports and the summary workbook.

Any other answer (an error page, a redirect to the login page, a grid shown again with an error
message, a workbook that is not an xlsx) counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from html import unescape
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
PASSWORD = os.environ["LOADTEST_PASSWORD"]
HOSTS = [h.rstrip("/") for h in os.environ["LOADTEST_HOSTS"].split(",") if h.strip()]
OFFSET = int(os.getenv("LOADTEST_OFFSET", "0"))
RESULTS_FILE = os.getenv("LOADTEST_RESULTS", "")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_lock = threading.Lock()
_reporters = iter(PLAN["reporters"][OFFSET:])
_leaders = itertools.cycle(PLAN["leaders"])
# (indicator id, year) -> {"saves": n, "value": last value saved}; "uncertain": saves whose
# answer never arrived (they may or may not be in the database).
SAVES: dict[str, dict] = {}
UNCERTAIN: list[str] = []
TIMES: dict[str, list[float]] = {}  # request name -> response times in ms
FAILURES: dict[str, int] = {}


class FormParser(HTMLParser):
    """The fields a browser would submit from the first form that has ``match`` among its
    classes or as its action."""

    def __init__(self, match: str):
        super().__init__(convert_charrefs=True)
        self.match, self.inside, self.fields = match, False, {}
        self._select = self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.fields and (
                self.match in (a.get("class") or "").split() or a.get("action") == self.match):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str, match: str) -> dict:
    parser = FormParser(match)
    parser.feed(html)
    return parser.fields


def first_error(html: str) -> str:
    match = re.search(r'<ul class="(?:errorlist|messages)[^"]*">(.*?)</ul>', html, re.S)
    text = re.sub(r"<[^>]+>", " ", match.group(1)) if match else html[:200]
    return " ".join(unescape(text).split())[:200]


class PortalUser(HttpUser):
    abstract = True
    host = HOSTS[0]
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self._turn = itertools.cycle(range(len(HOSTS)))
        self.username = self.account()
        self.login()

    def url(self, path: str) -> str:
        return HOSTS[next(self._turn)] + path

    def login(self):
        with self.client.get(self.url(PLAN["login"]), name="login page", catch_response=True,
                             allow_redirects=False) as response:
            token = form_fields(response.text, PLAN["login"]).get("csrfmiddlewaretoken") \
                if response.status_code == 200 else None
            if not token:
                response.failure(f"login page: {response.status_code}, no CSRF token")
                raise StopUser()
        with self.client.post(self.url(PLAN["login"]), name="login", catch_response=True,
                              allow_redirects=False, data={
                                  "csrfmiddlewaretoken": token, "username": self.username,
                                  "password": PASSWORD, "next": ""}) as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get(
                    "Location", ""):
                response.failure(f"login refused for {self.username}: {response.status_code}")
                raise StopUser()

    def page(self, path: str, name: str):
        """GET a page; anything but 200 (a redirect to the login page too) is a failure."""
        with self.client.get(self.url(path), name=name, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
            return response

    def workbook(self, path: str, name: str):
        with self.client.get(self.url(path), name=name, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith(XLSX) \
                    or response.content[:2] != b"PK":
                response.failure("not an xlsx workbook")


class Reporter(PortalUser):
    weight = 3

    def account(self) -> str:
        with _lock:
            self.me = next(_reporters, None)
        if self.me is None:
            raise StopUser()  # more users than grids: setup_data.py --districts is too small
        return self.me["username"]

    @task(2)
    def dashboard(self):
        self.page(self.me["dashboard"], "district dashboard")

    @task(1)
    def task_board(self):
        self.page(self.me["tasks"], "task board")

    @task(2)
    def indicator(self):
        self.page(random.choice(self.me["indicators"]), "indicator page")

    @task(3)
    def save_figures(self):
        """Load the grid, change this reporter's figures, post the whole grid back."""
        response = self.page(self.me["grid"], "entry grid (load)")
        if response.status_code != 200:
            return
        data = form_fields(response.text, "entry-grid")
        if "csrfmiddlewaretoken" not in data:
            response.failure("entry grid without its form")
            return
        keys = []
        for item in self.me["save"]:
            key = f"{item['indicator']}:{self.me['year']}"
            with _lock:
                value = str(100 + SAVES.get(key, {}).get("saves", 0) + 1)
            data[f"{item['prefix']}-value"] = value
            keys.append((key, value))
        data["action"] = "save"
        try:
            with self.client.post(self.url(self.me["grid"]), data=data, name="entry grid (save)",
                                  catch_response=True, allow_redirects=False) as saved:
                if saved.status_code == 302 and saved.headers.get("Location", "").endswith(
                        self.me["grid"]):
                    with _lock:
                        for key, value in keys:
                            entry = SAVES.setdefault(key, {"saves": 0, "value": None})
                            entry["saves"] += 1
                            entry["value"] = value
                elif saved.status_code == 0:
                    with _lock:
                        UNCERTAIN.extend(key for key, _value in keys)
                    saved.failure("no answer to a save")
                else:
                    saved.failure(f"save refused ({saved.status_code}): {first_error(saved.text)}")
        except Exception:
            with _lock:
                UNCERTAIN.extend(key for key, _value in keys)
            raise

    @task(1)
    def entry_workbook(self):
        if self.me.get("workbook"):
            self.workbook(self.me["workbook"], "entry workbook (xlsx)")

    @task(1)
    def reports(self):
        if self.me.get("reports"):
            self.workbook(random.choice(self.me["reports"]), "district report (xlsx)")


class Leader(PortalUser):
    weight = 1

    def account(self) -> str:
        with _lock:
            return next(_leaders)

    @task(3)
    def overview(self):
        if PLAN.get("overview"):
            self.page(PLAN["overview"], "overview")

    @task(3)
    def dashboard(self):
        self.page(random.choice(PLAN["districts"])["dashboard"], "district dashboard")

    @task(2)
    def task_board(self):
        self.page(random.choice(PLAN["districts"])["tasks"], "task board")

    @task(3)
    def indicator(self):
        self.page(random.choice(random.choice(PLAN["districts"])["indicators"]),
                  "indicator page")

    @task(1)
    def reports(self):
        reports = [u for d in PLAN["districts"] for u in d["reports"]]
        if reports:
            self.workbook(random.choice(reports), "district report (xlsx)")

    @task(1)
    def summary(self):
        if PLAN.get("summary"):
            self.workbook(PLAN["summary"], "summary workbook (xlsx)")


@events.request.add_listener
def record(name, response_time, exception=None, **_kwargs):
    with _lock:
        TIMES.setdefault(name, []).append(round(response_time, 2))
        if exception is not None:
            FAILURES[name] = FAILURES.get(name, 0) + 1


@events.test_stop.add_listener
def write_results(environment, **_kwargs):
    """Every save the clients saw succeed (for loadtest/check_saves.py to find in the database)
    and every request's time and failures (for loadtest/report.py)."""
    if RESULTS_FILE:
        with _lock, open(RESULTS_FILE, "w", encoding="utf-8") as out:
            json.dump({"saves": SAVES, "uncertain": UNCERTAIN, "times": TIMES,
                       "failures": FAILURES}, out)
