"""The ``python -m desktop_app.sandbox`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop_app.sandbox import demo_seed
from desktop_app.sandbox.__main__ import main

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.sandbox", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[str], str]]:
    args: list[str] = getattr(request, "param", [])
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Sandbox listening on http://127.0.0.1:"), first
        yield process, first.removeprefix("Sandbox listening on ").strip()
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_then_exits_cleanly_on_signal(
    served: tuple[subprocess.Popen[str], str], sig: signal.Signals
) -> None:
    process, url = served
    reply = requests.post(
        f"{url}/oauth/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client-id",
            "client_secret": "demo-client-secret",
        },
        timeout=10,
    )
    assert reply.status_code == 200
    process.send_signal(sig)
    assert process.wait(timeout=30) == 0
    assert process.stdout is not None
    out = process.stdout.read()  # the rest of stdout, after the first line the fixture read
    assert "demo-client-secret" in out
    assert "ron@swanson.com / pawnee-parks-1" in out
    assert "Bob Belcher" in out


@pytest.mark.parametrize(
    "served", [["--fail-next", "503@/v2", "--fail-next", "429"]], indirect=True
)
def test_fail_next_option(served: tuple[subprocess.Popen[str], str]) -> None:
    _process, url = served
    form = {"grant_type": "implicit", "client_id": "demo-client-id"}
    assert requests.post(f"{url}/oauth/access_token", data=form, timeout=10).status_code == 429
    token = requests.post(f"{url}/oauth/access_token", data=form, timeout=10).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    settings = f"{url}/v2/settings/account-authentication"
    assert requests.get(settings, headers=headers, timeout=10).status_code == 503
    assert requests.get(settings, headers=headers, timeout=10).status_code == 200


def test_print_seed_prints_the_effective_seed() -> None:
    result = _run("--print-seed", "--accounts", "5")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == demo_seed(accounts=5).to_dict()
    assert result.stdout.startswith('{\n  "client_id"')


def test_seed_file_is_used(tmp_path: Path) -> None:
    data = demo_seed().to_dict() | {"client_id": "my-client"}
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = _run("--seed", str(path), "--print-seed")
    assert json.loads(result.stdout)["client_id"] == "my-client"


@pytest.mark.parametrize("content", ["{not json", '{"client_id": "x"}', None])
def test_bad_seed_file_is_one_line_and_exit_2(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "seed.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _run("--seed", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: seed file {path}: ")


@pytest.mark.parametrize(
    "args",
    [
        ["--fail-next", "abc"],
        ["--fail-next", "200"],
        ["--fail-next", "503@v2"],
        ["--accounts", "10001"],
        ["--latency-ms", "-5"],
        ["--seed", "x.json", "--accounts", "3"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_remote_host_without_allow_remote_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
