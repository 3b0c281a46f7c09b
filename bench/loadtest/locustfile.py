"""A working day of each role, for Locust: started by bench/loadtest/run.py, which prepares the
accounts and passes their plan in LOADTEST_PLAN (a JSON file; see prepare.py).

Each simulated user signs in as a person of its own through the real pages (password, then the
authenticator app's code for staff and professionals, as production requires), then opens the
pages that role opens in a day, with think time between them (pages opened before the last of
them has signed in are counted apart, as the ramp). Every user also opens the floor
page now and then, so the floor is measured under the same load as every other page.

gunicorn is reached as the TLS-terminating proxy in front of it reaches it: plain HTTP on the
loopback, with `X-Forwarded-Proto: https` and the client's address in `X-Forwarded-For`.
Production's cookies are Secure, so this client keeps them as the browser behind the proxy would
and sends them on that hop (`keep_cookies`).
A page that answers anything but 200 (a redirect to sign-in, a 403, a 500) is an error.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, task

from bench.loadtest.codes import totp

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
THINK = between(*PLAN["think"])
STEP_LINK = re.compile(r'href="(/(?:cases|plans|budgets|packages)/\d+/steps/[\w-]+/)"')
UPTAKE_REPORT = "uptake report"
# Until every simulated user has signed in (Argon2 on a few cores, and each gunicorn worker's
# first requests loading the code), pages are counted apart, under this prefix; the measured
# run is the `seconds` after the last sign-in, then Locust is stopped.
RAMP = "ramp: "
USERS = sum(PLAN["counts"].values())
signed_in = 0
measuring = False


def one_more_signed_in(runner: Any) -> None:
    global signed_in, measuring
    signed_in += 1
    if signed_in == USERS:
        measuring = True
        gevent.spawn_later(PLAN["seconds"], runner.quit)


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = THINK

    def on_start(self) -> None:
        self.me: dict[str, Any] = PLAN["accounts"][self.role].pop()
        self.origin = "https://" + urlsplit(self.host).netloc
        self.client.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.me["address"]}
        )
        self.sign_in()
        one_more_signed_in(self.environment.runner)

    def keep_cookies(self) -> None:
        """The session and CSRF cookies are Secure, and a client on plain HTTP would never send
        them back: this hop stands for the HTTPS one between the browser and the proxy."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def post_form(self, path: str, data: dict[str, str], name: str) -> Any:
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"Referer": self.origin + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}, not a redirect")
        self.keep_cookies()
        return response

    def sign_in(self) -> None:
        self.page("/sign-in/", "sign in")
        self.post_form(
            "/sign-in/",
            {"username": self.me["email"], "password": PLAN["password"]},
            "sign in: password",
        )
        if "totp_key" in self.me:
            self.page("/sign-in/code/", "sign in: code page")
            self.post_form(
                "/sign-in/code/",
                {"code": totp(self.me["totp_key"], time.time()), "next": "/"},
                "sign in: code",
            )

    def page(self, path: str, name: str, params: dict[str, Any] | None = None) -> str:
        with self.client.get(
            path,
            params=params,
            name=name if measuring or name.startswith("sign in") else RAMP + name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"{response.status_code} {where}".strip())
        self.keep_cookies()
        return response.text if response.status_code == 200 else ""

    def pick(self, kind: str) -> Any:
        return random.choice(self.me[kind]) if self.me.get(kind) else None

    @task(2)
    def floor(self) -> None:
        self.page("/loadtest-floor/", "floor")

    def local_offer(self) -> None:
        search = PLAN["search"]
        params = {"q": random.choice(search["words"])}
        if random.random() < 0.5:
            params["type"] = random.choice(search["types"])
        if random.random() < 0.5:
            params["age"] = random.choice(search["ages"])
        self.page("/short-breaks/", "local offer search", params)

    def case_and_a_step(self) -> None:
        case = self.pick("cases")
        if case is None:
            return
        page = self.page(f"/cases/{case}/", "case page")
        steps = STEP_LINK.findall(page)
        if steps:
            self.page(random.choice(steps), "step form")

    def statement(self) -> None:
        budget = self.pick("budgets")
        if budget is not None:
            self.page(f"/budgets/{budget}/statement/", "statement")

    def uptake_report(self, *, breakdown: bool) -> None:
        params: dict[str, Any] = {"plan": PLAN["plan"]}
        if breakdown:
            params["breakdown"] = random.choice(PLAN["breakdowns"])
            params["granularity"] = random.choice(["quarter", "month", "year"])
            name = f"{UPTAKE_REPORT} by breakdown"
        else:
            name = UPTAKE_REPORT
        self.page("/commissioning/", name, params)


class Practitioner(Person):
    role = "practitioner"
    fixed_count = PLAN["counts"][role]

    @task(3)
    def caseload(self) -> None:
        self.page("/caseload/", "caseload")

    @task(4)
    def case(self) -> None:
        self.case_and_a_step()

    @task(2)
    def budget_statement(self) -> None:
        self.statement()

    @task(1)
    def search(self) -> None:
        self.local_offer()


class TeamManager(Person):
    role = "team_manager"
    fixed_count = PLAN["counts"][role]

    @task(2)
    def team(self) -> None:
        self.page("/team/", "team dashboard")

    @task(1)
    def decisions(self) -> None:
        self.page("/team/decisions/", "decisions")

    @task(1)
    def panel(self) -> None:
        self.page("/budgets/panel/", "budget panel")

    @task(3)
    def case(self) -> None:
        self.case_and_a_step()

    @task(1)
    def budget_statement(self) -> None:
        self.statement()

    @task(1)
    def report(self) -> None:
        self.uptake_report(breakdown=random.random() < 0.5)


class Family(Person):
    role = "family"
    fixed_count = PLAN["counts"][role]

    @task(3)
    def my_child(self) -> None:
        self.page("/my-child/", "my child")

    @task(2)
    def budget_statement(self) -> None:
        self.statement()

    @task(3)
    def search(self) -> None:
        self.local_offer()


class Provider(Person):
    role = "provider"
    fixed_count = PLAN["counts"][role]

    @task(2)
    def home(self) -> None:
        self.page("/provider/", "provider home")

    @task(4)
    def day(self) -> None:
        day = self.pick("days")
        if day is not None:
            self.page(f"/provider/day/{day}/", "provider day")

    @task(1)
    def calendar(self) -> None:
        self.page("/provider/calendar/", "provider calendar")


class Professional(Person):
    role = "professional"
    fixed_count = PLAN["counts"][role]

    @task(3)
    def home(self) -> None:
        self.page("/professional/", "professional home")

    @task(3)
    def child(self) -> None:
        child = self.pick("children")
        if child is not None:
            self.page(f"/professional/children/{child}/", "professional child")


class Commissioner(Person):
    role = "commissioner"
    fixed_count = PLAN["counts"][role]

    @task(2)
    def report(self) -> None:
        self.uptake_report(breakdown=False)

    @task(3)
    def report_by_breakdown(self) -> None:
        self.uptake_report(breakdown=True)

    @task(1)
    def plan(self) -> None:
        self.page(f"/commissioning/plans/{PLAN['plan']}/", "implementation plan")

    @task(1)
    def search(self) -> None:
        self.local_offer()
