"""The delayed path is only useful if its round trip is what was asked for, every time.

Lower bounds are exact by construction (each packet waits RTT/2 each way, so no round trip
can be shorter); upper bounds carry slack for a loaded machine. Medians keep one slow sample
(a scheduling hiccup) from failing the run.
"""

from __future__ import annotations

import socketserver
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.bench import netdelay
from tests.bench.netdelay import ClientNamespace, delayed_client_namespace
from tests.lab.lab import LabInfo

MAIL_HOST, MAIL_NAME = "127.0.1.10", "mail.healthy.test"
SLACK_MS = 40
ECHO_ADDRESS = "127.0.200.1"  # no lab host lives here (scenario hosts use 127.0.1-19.x)


@pytest.fixture(scope="module")
def at_50(lab: LabInfo) -> Iterator[ClientNamespace]:
    with delayed_client_namespace(50) as client:
        yield client


@pytest.fixture(scope="module")
def at_0(lab: LabInfo) -> Iterator[ClientNamespace]:
    with delayed_client_namespace(0) as client:
        yield client


class _Echo(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(self.rfile.readline())


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 would drop SYNs of a burst, not the forwarder


@pytest.fixture(scope="module")
def echo_port(lab: LabInfo) -> Iterator[int]:
    """A line echo server in the lab's namespace, on an address only this test uses."""
    with _EchoServer((ECHO_ADDRESS, 0), _Echo) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_address[1]
        server.shutdown()


def test_tcp_connect_takes_the_round_trip(at_50: ClientNamespace) -> None:
    samples = at_50.probe("connect", MAIL_HOST, 993, 7)
    assert min(samples) >= 50
    assert statistics.median(samples) < 50 + SLACK_MS, samples


def test_dns_query_takes_the_round_trip(at_50: ClientNamespace, lab: LabInfo) -> None:
    samples = at_50.probe("dns", lab.resolver, MAIL_NAME, 7)
    assert min(samples) >= 50
    assert statistics.median(samples[1:]) < 50 + SLACK_MS, samples  # the first may recurse


def test_zero_rtt_costs_almost_nothing(at_0: ClientNamespace, lab: LabInfo) -> None:
    connects = at_0.probe("connect", MAIL_HOST, 993, 7)
    queries = at_0.probe("dns", lab.resolver, MAIL_NAME, 7)
    assert statistics.median(connects) < 10, connects
    assert statistics.median(queries[1:]) < 10, queries


def test_tls_and_imap_greeting_pass_through(at_50: ClientNamespace, lab: LabInfo) -> None:
    """Full-size TLS records cross the path intact, and the certificate verifies."""
    answer = at_50.probe("imaps", MAIL_HOST, 993, MAIL_NAME, lab.ca_file)
    assert answer["greeting"].startswith("* OK"), answer
    assert answer["ms"] >= 100  # TCP handshake + TLS 1.3 handshake: two round trips at least


def test_names_resolve_through_the_lab_resolver(at_50: ClientNamespace) -> None:
    """resolv.conf in the namespace sends glibc lookups to the lab's resolver."""
    done = at_50.run(["getent", "ahostsv4", MAIL_NAME], capture_output=True, text=True)
    assert MAIL_HOST in done.stdout, done


def test_black_holes_stay_black(at_0: ClientNamespace) -> None:
    """The lab drops them in its output hook, which forwarded packets never pass."""
    dead = netdelay.lab_blackholes()[0]
    assert at_0.probe("connect-timeout", dead, 993, 0.3) == "timeout"


def test_hundreds_of_concurrent_connections_all_pass(
    at_50: ClientNamespace, echo_port: int
) -> None:
    """No drops: one lost SYN would cost a 1 s retransmission, so time tells as well."""
    drops_before = at_50.kernel_drops()
    result = at_50.probe("concurrent", ECHO_ADDRESS, echo_port, 200)
    assert result["ok"] == 200, result
    assert result["seconds"] < 1.0, result
    assert at_50.kernel_drops() == drops_before


def test_teardown_leaves_nothing(lab: LabInfo) -> None:
    with delayed_client_namespace(10) as client:
        assert len(client.leftovers()) == 5  # the check sees each part while it exists
    assert client.leftovers() == []


def test_cli_runs_the_command_and_returns_its_code(lab: LabInfo) -> None:
    argv = [sys.executable, "-m", "tests.bench.netdelay", "--rtt", "0", "--"]
    done = subprocess.run(
        [*argv, "sh", "-c", 'test -n "$MAILHOP_BENCH_NETNS" && exit 3'],
        cwd=netdelay.REPO,
        timeout=30,
        check=False,
    )
    assert done.returncode == 3
