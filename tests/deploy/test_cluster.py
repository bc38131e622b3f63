"""The cluster of `make cluster` (scripts/cluster.py), started for real in the PostgreSQL pass of make test: a
PostgreSQL primary and its streaming replica, PgBouncer in transaction mode, Redis, two gunicorn servers behind nginx
and two RQ workers, each a process of its own on a loopback port. Through nginx, as people use it, it shows:
- a page served by both application servers;
- an import run by a worker, not by the server that took the file;
- an application server stopped in the middle of a load: no request fails;
- a worker killed in the middle of an import: the other takes the job up again and imports the whole file once;
- a person's own write read back at once while the replica lags (its replay paused), while another browser still
  reads the replica's older figures; once the replica replays, both agree.

The programs come from Debian's packages (pgbouncer, nginx-light, redis-server, postgresql): scripts/system-deps.sh
installs them in CI, where a missing one fails this test; elsewhere it is skipped without them."""

from __future__ import annotations

import functools
import importlib.util
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from django.db import connection

from eduboard.registry.synthetic import PersonalCodes
from tests.waiting import wait_for

pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "eduboard-demo-2024"  # the demonstration users' (README)
SCHOOL = "9000000011"  # the demonstration head's school, Daugavpils Zinātņu vidusskola
AS_OF = "2025-01-15"
HEADER = "X-Eduboard-Upstream"


@functools.cache
def load_cluster_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eduboard_cluster", ROOT / "scripts" / "cluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("the cluster is PostgreSQL's: it runs in the PostgreSQL pass of make test")
    missing = [name for name in ("pgbouncer", "nginx", "redis-server") if shutil.which(name) is None]
    if not sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        missing.append("PostgreSQL's server programs")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the cluster, and {', '.join(missing)} are missing (scripts/system-deps.sh)")
        pytest.skip(f"{', '.join(missing)} not installed (scripts/system-deps.sh installs them with CI=true)")
    module = load_cluster_module()
    folder = Path(tempfile.mkdtemp(prefix="eduboard-cluster-"))
    folder.chmod(0o755)  # PostgreSQL's user reaches its folders inside
    running = module.Cluster(
        folder,
        module.free_port_base(),
        # A short lease: a killed worker's job is taken up again within seconds. A long read-your-writes time: the
        # author's read below comes well inside it however slow the machine.
        settings={"JOB_LEASE_SECONDS": "4", "READ_YOUR_WRITES_SECONDS": "120", "LOG_LEVEL": "WARNING"},
    )
    try:
        running.start(boards=1)
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def logs_when_failed(request: pytest.FixtureRequest, cluster: Any) -> Iterator[None]:
    """The parts' last log lines, printed after a test that failed (pytest shows them with the failure)."""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        for log in sorted(cluster.logs.glob("*.log")):
            print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-40:]))


def csrf(text: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def hidden_fields(text: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))


def sign_in(cluster: Any, username: str = "head") -> requests.Session:
    """A browser of its own (its own cookies), signed in through nginx."""
    browser = requests.Session()
    page = browser.get(f"{cluster.url}/accounts/login/", timeout=30)
    response = browser.post(
        f"{cluster.url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf(page.text), "username": username, "password": PASSWORD},
        headers={"Referer": f"{cluster.url}/accounts/login/"},
        timeout=30,
    )
    assert response.status_code == 200 and "/accounts/login/" not in response.url, response.text[:300]
    return browser


def learners_file(count: int, seed: int) -> bytes:
    """`count` new learners of the head's school (birth dates no demonstration learner has)."""
    codes, rng = PersonalCodes(), random.Random(seed)
    lines = [
        "personal_code,first_name,last_name,birth_date,declared_municipality,institution,school_year,group,"
        "enrolled_on,left_on,leaving_reason"
    ]
    for number in range(count):
        born = date(1990 + seed % 5, 1, 1) + timedelta(days=rng.randrange(365))
        lines.append(
            f"{codes.for_birth_date(born)},Anna,Klastere{number},{born},Daugavpils,{SCHOOL},2024/2025,1.a,2024-09-01,,"
        )
    return ("\n".join(lines) + "\n").encode()


def send_import(cluster: Any, browser: requests.Session, body: bytes) -> int:
    page = browser.get(f"{cluster.url}/imports/registry/learners/", timeout=30)
    response = browser.post(
        f"{cluster.url}/imports/registry/learners/",
        data={"csrfmiddlewaretoken": csrf(page.text)},
        files={"file": ("learners.csv", body, "text/csv")},
        headers={"Referer": f"{cluster.url}/imports/registry/learners/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:500]
    found = re.search(r"/imports/jobs/(\d+)/", response.headers["Location"])
    assert found
    return int(found.group(1))


def job(cluster: Any, job_id: int) -> tuple[str, int, int, int]:
    """status, rows, created, retakes of an import job, read on the primary."""
    status, rows, created, retakes = cluster.psql(
        cluster.ports["primary"],
        f"SELECT status, rows, created, retakes FROM core_importjob WHERE id = {int(job_id)}",  # noqa: S608 - an int
        database="eduboard",
    ).split("|")
    return status, int(rows), int(created), int(retakes)


def wait_for_job(
    cluster: Any, job_id: int, statuses: tuple[str, ...], seconds: float = 240
) -> tuple[str, int, int, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = job(cluster, job_id)
        if state[0] in statuses:
            return state
        time.sleep(0.1)
    raise AssertionError(f"import job {job_id} is still {job(cluster, job_id)} after {seconds:.0f} s")


def worker_logs(cluster: Any) -> dict[str, str]:
    return {name: (cluster.logs / f"{name}.log").read_text(errors="replace") for name in ("worker1", "worker2")}


def workers_logging(cluster: Any, line: str, seconds: float = 30) -> int:
    """How many workers' logs hold the line, once one does: a worker writes its "completed" line after the job has
    marked itself done, so the log may trail the job's row by a moment."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sum(line in log for log in worker_logs(cluster).values())
        if found:
            time.sleep(0.5)  # a second worker's line, were there one, would be as late
            return sum(line in log for log in worker_logs(cluster).values())
        time.sleep(0.1)
    return 0


def klastere_learners(cluster: Any) -> int:
    """The learners the test's files made."""
    return int(
        cluster.psql(
            cluster.ports["primary"],
            "SELECT count(*) FROM registry_learner WHERE last_name LIKE 'Klastere%'",
            database="eduboard",
        )
    )


def learners_on_the_day(browser: requests.Session, cluster: Any) -> int:
    response = browser.get(f"{cluster.url}/api/registry/stats/", params={"as_of": AS_OF}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    return int(sum(response.json()["learners_by_level"].values()))


def test_a_page_is_served_through_nginx_by_both_application_servers(cluster: Any) -> None:
    browser = sign_in(cluster)
    servers: Counter[str] = Counter()
    for _attempt in range(12):
        response = browser.get(f"{cluster.url}/registry/learners/", timeout=30)
        assert response.status_code == 200
        servers[response.headers[HEADER]] += 1
    assert set(servers) == {f"127.0.0.1:{cluster.ports[name]}" for name in ("app1", "app2")}


def test_an_import_is_run_by_a_worker_not_by_the_server_that_took_the_file(cluster: Any) -> None:
    job_id = send_import(cluster, sign_in(cluster), learners_file(200, seed=1))
    assert wait_for_job(cluster, job_id, ("done", "failed")) == ("done", 200, 200, 0)
    done = f"Successfully completed eduboard.core.jobs.import_job_task(job_id={job_id})"
    assert workers_logging(cluster, done) == 1
    for name in ("app1", "app2"):
        assert f"job_id={job_id}" not in (cluster.logs / f"{name}.log").read_text(errors="replace")


def test_an_application_server_stopped_mid_load_fails_no_request(cluster: Any) -> None:
    browser = sign_in(cluster)
    statuses: Counter[int | str] = Counter()
    servers: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def load() -> None:
        own = requests.Session()
        own.cookies.update(browser.cookies)
        while not stop.is_set():
            try:
                response = own.get(f"{cluster.url}/registry/learners/", timeout=60)
                outcome: int | str = response.status_code
                upstream = response.headers.get(HEADER, "")
            except requests.RequestException as error:
                outcome, upstream = type(error).__name__, ""
            with lock:
                statuses[outcome] += 1
                servers[upstream] += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()

    def answered() -> int:
        with lock:
            return sum(statuses.values())

    try:
        wait_for(lambda: answered() >= 8, "the load's first requests answered", seconds=240, every=0.1)
        before = answered()
        cluster.signal_part("app1", signal.SIGTERM)  # gunicorn ends the requests in flight, then stops
        assert not load_cluster_module().answers(cluster.ports["app1"])
        wait_for(
            lambda: answered() >= before + 8,
            "requests answered with one application server down",
            seconds=240,
            every=0.1,
        )
        during = answered() - before
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    cluster.start_app("app1")
    assert before > 0 and during > 0
    assert statuses == Counter({200: sum(statuses.values())}), statuses
    assert servers[f"127.0.0.1:{cluster.ports['app2']}"] > 0


def test_a_worker_killed_mid_import_is_taken_up_again_by_the_other_and_imports_the_file_once(cluster: Any) -> None:
    browser = sign_in(cluster)
    cluster.signal_part("worker2", signal.SIGTERM)  # worker1 takes the job …
    rows = 30000
    learners_before = klastere_learners(cluster)
    job_id = send_import(cluster, browser, learners_file(rows, seed=2))
    assert wait_for_job(cluster, job_id, ("running", "done", "failed"), seconds=120)[0] == "running"
    cluster.start_worker("worker2")
    assert job(cluster, job_id)[0] == "running"  # … still in its rows (30,000 of them)
    cluster.signal_part("worker1", signal.SIGKILL)  # the worker and the job's work horse, at once
    try:
        status, imported, created, retakes = wait_for_job(cluster, job_id, ("done", "failed"))
    finally:
        cluster.start_worker("worker1")
    assert (status, imported, created, retakes) == ("done", rows, rows, 1)
    assert klastere_learners(cluster) == learners_before + rows  # each row of the file once
    assert "taken up again" in "".join(worker_logs(cluster).values())


def test_an_author_reads_their_own_write_at_once_while_the_replica_lags(cluster: Any) -> None:
    author, other = sign_in(cluster), sign_in(cluster)  # the same head in two browsers
    before = learners_on_the_day(author, cluster)
    assert learners_on_the_day(other, cluster) == before
    enrolment = cluster.psql(
        cluster.ports["primary"],
        "SELECT e.id FROM registry_enrolment e JOIN registry_group g ON g.id = e.group_id "  # noqa: S608 - constants
        "JOIN registry_institution i ON i.id = g.institution_id JOIN core_schoolyear y ON y.id = g.school_year_id "
        f"WHERE i.registration_number = '{SCHOOL}' AND y.code = '2024/2025' AND e.left_on IS NULL "
        f"AND e.enrolled_on <= '{AS_OF}' ORDER BY e.id LIMIT 1",
        database="eduboard",
    )
    cluster.pause_replica()
    try:
        form = author.get(f"{cluster.url}/registry/enrolments/{enrolment}/leave/", timeout=30)
        assert form.status_code == 200
        response = author.post(
            f"{cluster.url}/registry/enrolments/{enrolment}/leave/",
            data={**hidden_fields(form.text), "left_on": "2024-12-01", "leaving_reason": "", "leaving_note": ""},
            headers={"Referer": form.url},
            timeout=30,
        )
        assert response.status_code == 200 and "/registry/learners/" in response.url, response.text[:500]
        assert learners_on_the_day(author, cluster) == before - 1  # the author: the primary, at once
        assert learners_on_the_day(other, cluster) == before  # another browser: the replica, which lags
    finally:
        cluster.resume_replica()
    deadline = time.monotonic() + 60
    while learners_on_the_day(other, cluster) != before - 1:
        assert time.monotonic() < deadline, "the replica did not catch up within 60 s"
        time.sleep(0.5)
