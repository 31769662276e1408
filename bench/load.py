"""Load benchmark: 50 concurrent clients against gunicorn on 127.0.0.1 for 60 s.

``python -m bench load`` (or ``make bench``). Prepares an instance in a temporary folder as
``make run`` does (SQLite in WAL mode, the built-in plans, their quoted figures, the shared DfE
data, the demo accounts), starts gunicorn on a free 127.0.0.1 port with ``DJANGO_DEBUG=0``,
then runs, with threads and ``http.client`` (no other traffic leaves 127.0.0.1):

- a baseline: one client browsing alone, back to back, for 10 s;
- the load: 50 clients for 60 s. 45 browse (home, a plan, a priority, commitment or action
  page, the indicators, an indicator, search) with 0.5 to 1.5 s between pages, as people
  do; 5 sign in as action leads and then, in a loop, open the update form of one of their
  actions, read its CSRF token and version, and save a draft update (a POST), 1 to 3 s apart.

It prints requests, errors, median and p95 latency per kind of request and overall, and the
ratio to the baseline. Budget: zero errors and an overall p95 under 300 ms on 2 cores; the
exit status is 1 when the budget is missed. Settings: ``CYPLAN_LOAD_CLIENTS`` (50),
``CYPLAN_LOAD_WRITERS`` (5), ``CYPLAN_LOAD_SECONDS`` (60), ``CYPLAN_LOAD_WORKERS``
(gunicorn workers, 2 x cores + 1).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

CLIENTS = int(os.environ.get("CYPLAN_LOAD_CLIENTS", "50"))
WRITERS = int(os.environ.get("CYPLAN_LOAD_WRITERS", "5"))
SECONDS = float(os.environ.get("CYPLAN_LOAD_SECONDS", "60"))
BASELINE_SECONDS = 10.0
WORKERS = int(os.environ.get("CYPLAN_LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
P95_BUDGET_MS = 300.0
TIMEOUT = 30.0
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
SELECTED_PERIOD = re.compile(r'<option value="([^"]+)" selected>')
SEARCH_WORDS = ["school", "mental health", "SEND", "early help", "care", "youth", "families"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare(folder: Path) -> tuple[dict[str, str], dict]:
    """An instance as ``make run`` makes it, and the pages and actions the clients use."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CYPLAN_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'cyplan.sqlite3'}",
        CYPLAN_DATA_DIR=str(folder),
        DJANGO_DEBUG="0",
        CYPLAN_LOG_LEVEL="ERROR",
    )
    for command in (
        ["migrate", "--noinput"],
        ["plan", "import", "--builtin"],
        ["data", "load-key-figures"],
        ["data", "load-shared"],
        ["demo"],
    ):
        subprocess.run(
            [str(BIN / "cyplan"), *command], env=env, check=True, capture_output=True, timeout=600
        )
    script = """
import json
from django.contrib.auth import get_user_model
from cyplan.accounts import permissions
from cyplan.delivery.services import due_period
from cyplan.outcomes.models import Indicator
from cyplan.plans.models import Plan, PlanNode
plans = list(Plan.objects.filter(status="published").values_list("slug", flat=True))
nodes = [f"/plans/{s}/{k}/" for s, k in PlanNode.objects.filter(plan__slug__in=plans)
         .values_list("plan__slug", "key")]
indicators = [f"/indicators/{c}/" for c in Indicator.objects.filter(values__isnull=False)
              .distinct().values_list("code", flat=True)]
writers = {}
for name in ("lead", "lead2"):
    user = get_user_model().objects.get(username=name)
    # Their actions, but not those whose update for the period due is approved (locked).
    writers[name] = [f"/plans/{n.plan.slug}/{n.key}/update/" for n in
                     PlanNode.objects.filter(kind="action").select_related("plan")
                     .prefetch_related("leads")
                     if permissions.can_record_update(user, n) and not n.children.exists()
                     and not n.updates.filter(period=due_period(n).key, state="approved").exists()]
print(json.dumps({"plans": [f"/plans/{s}/" for s in plans], "nodes": nodes,
                  "indicators": indicators, "writers": writers}))
"""
    out = subprocess.run(
        [str(BIN / "cyplan"), "shell", "-c", script],
        env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return env, json.loads(out.stdout.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "cyplan.site.wsgi", "--bind", f"{HOST}:{self.port}",
             "--workers", str(WORKERS), "--timeout", "60", "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("gunicorn did not start within 60 s") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(ms)
            if error:
                self.errors.append(f"{kind}: {error}")

    def all_times(self) -> list[float]:
        return [t for times in self.times.values() for t in times]


class Session:
    """One person's browser: cookies, and one connection per request (gunicorn's sync
    workers close each connection)."""

    def __init__(self, port: int, results: Results):
        self.port, self.results, self.cookies = port, results, {}

    def request(self, kind, method, path, form=None, expect=(200,)) -> str:
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "cyplan-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.perf_counter()
        error, text = None, ""
        try:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            connection.close()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.status not in expect:
                error = f"{method} {path}: HTTP {response.status}"
        except (OSError, http.client.HTTPException) as problem:
            error = f"{method} {path}: {type(problem).__name__}: {problem}"
        self.results.add(kind, (time.perf_counter() - started) * 1000, error)
        return text


def browse_once(session: Session, targets: dict, rng: random.Random) -> None:
    kind = rng.choice(["home", "plan", "node", "node", "indicators", "indicator", "search"])
    path = {
        "home": lambda: "/",
        "plan": lambda: rng.choice(targets["plans"]),
        "node": lambda: rng.choice(targets["nodes"]),
        "indicators": lambda: "/indicators/",
        "indicator": lambda: rng.choice(targets["indicators"]),
        "search": lambda: "/search/?q=" + quote(rng.choice(SEARCH_WORDS)),
    }[kind]()
    session.request(kind, "GET", path)


def browser(port, targets, results, deadline, seed, think=(0.5, 1.5)) -> None:
    rng, session = random.Random(seed), Session(port, results)
    while time.monotonic() < deadline:
        browse_once(session, targets, rng)
        if think:
            time.sleep(rng.uniform(*think))


def writer(port, targets, results, deadline, seed, account) -> None:
    rng, session = random.Random(seed), Session(port, results)
    page = session.request("sign-in page", "GET", "/accounts/sign-in/")
    token = CSRF.search(page)
    username, password = account
    session.request(
        "sign in (POST)",
        "POST",
        "/accounts/sign-in/",
        {"csrfmiddlewaretoken": token.group(1) if token else "", "username": username,
         "password": password},
        expect=(302,),
    )  # fmt: skip
    mine = (
        targets["writers"][username][seed % len(targets["writers"][username]) :: WRITERS]
        or (targets["writers"][username])
    )
    while time.monotonic() < deadline:
        url = rng.choice(mine)
        form_page = session.request("update form", "GET", url)
        token, version = CSRF.search(form_page), VERSION.search(form_page)
        period = SELECTED_PERIOD.search(form_page)
        if not (token and version and period):
            results.add("update (POST)", 0.0, f"GET {url}: no form to fill in")
        else:
            session.request(
                "update (POST)",
                "POST",
                url,
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "version": version.group(1),
                    "period": period.group(1),
                    "status": rng.choice(["on_track", "at_risk", "off_track"]),
                    "rag": "",
                    "narrative": f"Load test draft {rng.randrange(10**6)}: example text only.",
                },
                expect=(302,),
            )
        time.sleep(rng.uniform(1.0, 3.0))


def run_clients(port, targets, seconds, clients, writers) -> Results:
    results = Results()
    deadline = time.monotonic() + seconds
    accounts = [("lead", "demo-lead-2024"), ("lead2", "demo-lead2-2024")]
    threads = []
    for n in range(clients):
        if n < writers:
            account = accounts[n % len(accounts)]
            if not targets["writers"][account[0]]:
                raise RuntimeError(f"the demo account {account[0]} leads no actions")
            args = (port, targets, results, deadline, n, account)
            threads.append(threading.Thread(target=writer, args=args, daemon=True))
        else:
            args = (port, targets, results, deadline, n)
            threads.append(threading.Thread(target=browser, args=args, daemon=True))
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # people arrive over a second, not all in the same millisecond
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + TIMEOUT + 5)
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="cyplan-load-") as folder:
        started = time.perf_counter()
        env, targets = prepare(Path(folder))
        print(
            f"Prepared an instance in {time.perf_counter() - started:.0f} s: "
            f"{len(targets['plans'])} plans, {len(targets['nodes'])} plan pages, "
            f"{len(targets['indicators'])} indicators (SQLite, WAL)"
        )
        server = Gunicorn(env)
        try:
            print(f"gunicorn on {HOST}:{server.port}, {WORKERS} sync workers, DJANGO_DEBUG=0")
            base = Results()
            browser(server.port, targets, base, time.monotonic() + BASELINE_SECONDS, 999, None)
            base_times = base.all_times()
            base_median, base_p95 = statistics.median(base_times), p95(base_times)
            print(
                f"baseline: 1 client, back to back, {BASELINE_SECONDS:.0f} s: {len(base_times)} "
                f"requests, {len(base.errors)} errors, median {base_median:.1f} ms, "
                f"p95 {base_p95:.1f} ms"
            )
            results = run_clients(server.port, targets, SECONDS, CLIENTS, WRITERS)
        finally:
            server.stop()
    times = results.all_times()
    print(
        f"load: {CLIENTS} clients ({CLIENTS - WRITERS} browsing, {WRITERS} writing updates) "
        f"for {SECONDS:.0f} s"
    )
    print(f"{'request':<18}{'count':>7}{'median ms':>11}{'p95 ms':>9}{'x baseline p95':>16}")
    for kind in sorted(results.times):
        values = results.times[kind]
        print(
            f"{kind:<18}{len(values):>7}{statistics.median(values):>11.1f}{p95(values):>9.1f}"
            f"{p95(values) / base_p95:>16.1f}"
        )
    overall_median, overall_p95 = statistics.median(times), p95(times)
    print(
        f"{'all':<18}{len(times):>7}{overall_median:>11.1f}{overall_p95:>9.1f}"
        f"{overall_p95 / base_p95:>16.1f}"
    )
    print(
        f"requests {len(times)} ({len(times) / SECONDS:.1f} a second), errors {len(results.errors)}"
    )
    for error in results.errors[:10]:
        print(f"  {error}")
    ok = not results.errors and overall_p95 < P95_BUDGET_MS
    print(
        f"p95 {overall_p95:.1f} ms ({overall_p95 / P95_BUDGET_MS:.2f} x the {P95_BUDGET_MS:.0f} ms "
        f"budget), {len(results.errors)} errors: {'within' if ok else 'OVER'} budget."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
