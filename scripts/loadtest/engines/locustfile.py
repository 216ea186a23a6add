"""The router's workload as a Locust test, written by `npm run loadtest -- --emit locust DIR`.

Reads workload.json beside it: the hosts (most popular first), Zipf popularity, arrival rate,
warm-up and duration, the statuses that count as success, and where to send (a base URL with the
Host header set, or each host at https://<host>/). Each Locust user is an open-loop generator: it
sends its share of the rate on a fixed schedule whatever earlier requests are doing (one greenlet
per request), and measures each latency from the request's intended send time, so a slow server
cannot hide its latency (no coordinated omission). Run one user per worker: `--users` = workers.

Every request is recorded (intended offset, latency, status or error, the router's
`Server-Timing: router;dur=`, host index) and shipped to the master with Locust's own worker
reports; the master writes them to results/records.jsonl, and run.json (the command, the workers,
the local edge's read counters when workload.json names its control API). `npm run loadtest --
--import DIR` turns them into the load test's report.

Environment: LOADTEST_REGION labels a worker's requests (the region it runs in; against the local
edge it also picks the emulated edge region). LOADTEST_RESULTS overrides the results folder.
"""

import bisect
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.request

import gevent
import locust
import locust.runners
from gevent.pool import Group
from locust import FastHttpUser, events, task
from locust.runners import MasterRunner, WorkerRunner

# Debian's python3-locust (2.12.1-1) ships an empty __version__, and a master refuses a worker that
# reports an empty version as "pre 2.0". -1 is the version Locust accepts without comparing.
if not locust.runners.__version__:
    locust.runners.__version__ = -1

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "workload.json"), encoding="utf-8") as f:
    WORKLOAD = json.load(f)
RESULTS = os.environ.get("LOADTEST_RESULTS") or os.path.join(HERE, "results")
# Before Locust opens its --csv files there.
os.makedirs(RESULTS, exist_ok=True)
REGION = os.environ.get("LOADTEST_REGION", "")
HOSTS = WORKLOAD["hosts"]
EXPECT = WORKLOAD["expect"]
ROUTER_DURATION = re.compile(r"(?:^|,)\s*router\s*;(?:[^,]*;)?\s*dur=([0-9.]+)")

# Records of this process not yet sent to the master (or written, when running alone).
pending = []
# The Zipf popularity of workload.json: rank k with probability proportional to 1/k^s.
if WORKLOAD["zipf"] == 0:
    CUMULATIVE = None
else:
    weights = [1 / (k ** WORKLOAD["zipf"]) for k in range(1, len(HOSTS) + 1)]
    total = sum(weights)
    CUMULATIVE, running = [], 0.0
    for w in weights:
        running += w / total
        CUMULATIVE.append(running)
    CUMULATIVE[-1] = 1.0


def pick_host(rng):
    """A host index drawn by popularity: 0 is the most popular."""
    if CUMULATIVE is None:
        return min(len(HOSTS) - 1, int(rng.random() * len(HOSTS)))
    return min(len(HOSTS) - 1, bisect.bisect_right(CUMULATIVE, rng.random()))


def expected(status):
    return status // 100 in EXPECT["classes"] or status in EXPECT["codes"]


def router_ms(headers):
    value = headers.get("server-timing") if headers is not None else None
    match = ROUTER_DURATION.search(value or "")
    return float(match.group(1)) if match else -1


class OpenLoopUser(FastHttpUser):
    """One open-loop generator: ratePerSecond / users requests per second on a fixed schedule."""

    host = WORKLOAD.get("target") or "https://localhost"
    # Verify certificates of a real deployment; the local edge is plain HTTP.
    insecure = False
    concurrency = WORKLOAD["connections"]
    network_timeout = WORKLOAD["timeoutMs"] / 1000
    connection_timeout = WORKLOAD["timeoutMs"] / 1000
    users_started = 0

    def on_start(self):
        OpenLoopUser.users_started += 1
        worker = getattr(self.environment.runner, "worker_index", 0)
        self.rng = random.Random(WORKLOAD["seed"] * 1_000_003 + worker * 1_000 + OpenLoopUser.users_started)

    @task
    def run_schedule(self):
        users = WORKLOAD["users"]
        interval = users / WORKLOAD["ratePerSecond"]
        count = round((WORKLOAD["warmupMs"] + WORKLOAD["durationMs"]) / 1000 * WORKLOAD["ratePerSecond"] / users)
        in_flight = Group()
        start = time.perf_counter()
        for k in range(count):
            intended = start + k * interval
            delay = intended - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            in_flight.spawn(self.send_one, start, intended, pick_host(self.rng))
        in_flight.join(timeout=WORKLOAD["timeoutMs"] / 1000 + 1)
        # The schedule is done: tell the master (it ends the run once every user is), then idle
        # until then (a task that returned would run again).
        if isinstance(self.environment.runner, WorkerRunner):
            self.environment.runner.send_message("etr_done", {"region": REGION})
        else:
            user_done(self.environment)
        while True:
            gevent.sleep(3600)

    def send_one(self, start, intended, host_index):
        host = HOSTS[host_index]
        headers = {}
        if WORKLOAD.get("target"):
            headers["Host"] = host
            url = "/"
        else:
            url = f"https://{host}/"
        if WORKLOAD.get("edgeRegionHeader") and REGION:
            headers[WORKLOAD["edgeRegionHeader"]] = REGION
        with self.client.get(url, headers=headers, name="/", catch_response=True, allow_redirects=False) as response:
            end = time.perf_counter()
            status = response.status_code or 0
            error = type(response.error).__name__ if getattr(response, "error", None) is not None and status == 0 else ""
            if status and expected(status):
                response.success()
            else:
                response.failure(f"status {status}" if status else error or "no answer")
        pending.append(
            [
                round((intended - start) * 1000, 3),
                round((end - intended) * 1000, 3),
                status,
                error,
                router_ms(response.headers if status else None),
                host_index,
                round((end - start) * 1000, 3),
            ]
        )


def take_pending():
    batch = pending[:]
    del pending[:]
    return batch


def write_records(region, worker, records):
    if not records:
        return
    with open(os.path.join(RESULTS, "records.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps({"region": region, "worker": worker, "records": records}) + "\n")


def read_counters():
    """The local edge's replica read counters (/status), when workload.json names its control API."""
    control = WORKLOAD.get("controlUrl")
    if not control:
        return None
    with urllib.request.urlopen(control.rstrip("/") + "/status", timeout=10) as r:
        status = json.load(r)
    total, by_edge = 0, {}
    for replica in status.get("replicas", {}).values():
        counters = replica.get("counters", {})
        total += counters.get("requests", 0)
        for edge, n in counters.get("byEdgeRegion", {}).items():
            by_edge[edge] = by_edge.get(edge, 0) + n
    return {"total": total, "byEdgeRegion": by_edge}


run_info = {}


def locust_version():
    if locust.__version__:
        return locust.__version__
    try:  # Debian's package: its own version
        return subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "python3-locust"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_run_info():
    with open(os.path.join(RESULTS, "run.json"), "w", encoding="utf-8") as f:
        json.dump(run_info, f, indent=2)


users_done = 0


def user_done(environment, **kwargs):
    """Counts finished users on the master (or the only process); quits when all are."""
    global users_done
    users_done += 1
    if users_done >= WORKLOAD["users"]:
        # A moment for the workers' last records, then the same quit as at the end of --run-time.
        gevent.spawn_later(1, environment.runner.quit)


@events.init.add_listener
def on_init(environment, **kwargs):
    if isinstance(environment.runner, MasterRunner):
        environment.runner.register_message("etr_done", lambda environment, msg, **kw: user_done(environment))


@events.report_to_master.add_listener
def on_report_to_master(client_id, data, **kwargs):
    data["etr_records"] = {"region": REGION, "records": take_pending()}


@events.worker_report.add_listener
def on_worker_report(client_id, data, **kwargs):
    batch = data.get("etr_records")
    if batch:
        write_records(batch["region"], client_id, batch["records"])


@events.test_start.add_listener
def on_test_start(environment, **kwargs):
    if isinstance(environment.runner, WorkerRunner):
        return
    os.makedirs(RESULTS, exist_ok=True)
    open(os.path.join(RESULTS, "records.jsonl"), "w", encoding="utf-8").close()
    run_info.update(
        {
            "engine": "locust",
            "locustVersion": locust_version(),
            "command": " ".join(sys.argv),
            "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {
                "cpu": platform.processor() or platform.machine(),
                "cores": os.cpu_count(),
                "loadAverage": os.getloadavg()[0],
                "python": platform.python_version(),
                "platform": f"{platform.system()} {platform.release()}",
            },
            "workers": environment.runner.worker_count if isinstance(environment.runner, MasterRunner) else 0,
        }
    )

    def snapshot_after_warmup():
        gevent.sleep(WORKLOAD["warmupMs"] / 1000)
        run_info["readsAtMeasuredStart"] = read_counters()

    gevent.spawn(snapshot_after_warmup)


@events.test_stop.add_listener
def on_test_stop(environment, **kwargs):
    if isinstance(environment.runner, WorkerRunner):
        return
    if not isinstance(environment.runner, MasterRunner):
        write_records(REGION, "local", take_pending())
    run_info["readsAtEnd"] = read_counters()
    run_info["stoppedAt"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_run_info()


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    # The workers' last reports arrive after test_stop: keep run.json current until the end.
    if not isinstance(environment.runner, WorkerRunner) and run_info:
        write_run_info()
