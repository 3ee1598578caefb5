"""Sandbox throughput: token logins per second from 4 client threads, next to a bare server.

Run: ``python -m tests.benchmarks.bench_sandbox [--rounds 3] [--seconds 2]``

Each login is ``POST /v2/account-members/tokens`` for Ron (3 accounts, a fresh JWT each) with a
bearer fetched once per client thread. The floor is a bare stdlib ``ThreadingHTTPServer`` that
reads the request and answers with the very bytes the sandbox answered (captured first), with
the same connection handling as the sandbox (HTTP/1.1, connections kept alive) and
``TCP_NODELAY``.
Both servers run as their own process; the same 4-thread client (one ``requests.Session`` per
thread) drives each for the same time, alternating, in this process.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import (
    RATIO_MIN,
    ROOT,
    Figure,
    SandboxProcess,
    isolated_environment,
    write_figures,
)

THREADS = 4
PROFILE_ID = "32a34cab-10d8-44a9-badc-5710b84c08b6"
BODY = {
    "data": {
        "type": "account_management_authentication_token",
        "authentication_mechanism": "password",
        "password_profile_id": PROFILE_ID,
        "username": "ron@swanson.com",
        "password": "pawnee-parks-1",
    }
}


def serve_canned(reply_file: Path) -> None:
    """The floor server (runs as ``--serve FILE``): the captured reply to every POST."""
    captured = json.loads(reply_file.read_text(encoding="utf-8"))
    body = captured["body"].encode("utf-8")
    status = int(captured["status"])
    content_type = captured["content_type"]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the sandbox
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Silent, like the sandbox."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"Sandbox listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


class FloorProcess(SandboxProcess):
    """The canned-reply server, started the way the sandbox CLI is."""

    def __init__(self, reply_file: Path) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.bench_sandbox", "--serve", str(reply_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=isolated_environment(),
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        self.url = line.rsplit(" ", 1)[-1]


def bearer(url: str) -> str:
    import requests

    reply = requests.post(
        f"{url}/oauth/access_token",
        data={"grant_type": "implicit", "client_id": "demo-client-id"},
        timeout=30,
    )
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def logins_per_second(url: str, token: str, seconds: float) -> float:
    import requests

    counts = [0] * THREADS
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        start.wait()
        try:
            while time.perf_counter() < stop_at[0]:
                reply = session.post(
                    f"{url}/v2/account-members/tokens", json=BODY, headers=headers, timeout=30
                )
                if reply.status_code != 201 or len(reply.json()["data"]) != 3:
                    raise RuntimeError(f"unexpected reply {reply.status_code}")
                counts[index] += 1
        except BaseException as error:
            errors.append(error)
        finally:
            session.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]!r}")
    return sum(counts) / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve_canned(args.serve)
        return 0

    import tempfile

    import requests

    figure = Figure(
        f"sandbox: token logins per second, {THREADS} client threads",
        "logins/s",
        RATIO_MIN,
        0.5,
        floor_name="bare ThreadingHTTPServer, same JSON",
    )
    with SandboxProcess() as sandbox, tempfile.TemporaryDirectory() as folder:
        token = bearer(sandbox.url)
        reply = requests.post(
            f"{sandbox.url}/v2/account-members/tokens",
            json=BODY,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        reply_file = Path(folder) / "reply.json"
        reply_file.write_text(
            json.dumps(
                {
                    "status": reply.status_code,
                    "content_type": reply.headers["Content-Type"],
                    "body": reply.text,
                }
            ),
            encoding="utf-8",
        )
        floor = FloorProcess(reply_file)
        try:
            logins_per_second(sandbox.url, token, 0.3)  # warm-up
            logins_per_second(floor.url, token, 0.3)
            for _ in range(args.rounds):
                figure.samples.append(logins_per_second(sandbox.url, token, args.seconds))
                figure.floor_samples.append(logins_per_second(floor.url, token, args.seconds))
        finally:
            floor.stop()
    print(
        f"{figure.name}: {figure.median:.0f} vs floor {figure.floor_median:.0f}",
        file=sys.stderr,
    )
    if args.json_out is not None:
        write_figures(args.json_out, [figure])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
