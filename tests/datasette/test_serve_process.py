"""``python -m modwatch serve`` stops Datasette when it is stopped (new-user finding 4)."""

import os
import signal
import socket
import subprocess
import urllib.request

import pytest

from tests.helpers import ROOT, free_port, modwatch, wait_for


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_stops_datasette_and_frees_the_port(site_db, stop):
    port = free_port()
    process = subprocess.Popen(
        modwatch("serve", site_db, "--port", port),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert process.poll() is None, "serve exited before Datasette answered"
            try:
                return b"datasette" in urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
            except OSError:
                return False

        wait_for(answers, timeout=30, what="datasette to answer")
        process.send_signal(stop)  # what a supervisor or a terminal does: to the serve process only
        process.wait(timeout=15)
        # nothing of the server is left: the port is free again
        wait_for(lambda: not _listening(port), timeout=10, what="the port to be freed")
    finally:
        try:  # never leak a server out of this test, whatever happened
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
