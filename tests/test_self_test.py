"""--self-test: the sandbox, the real API client and the demo shopper, without a window."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from desktop_app import self_test


def test_self_test_passes_in_a_real_process_without_a_display() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    steps = [line for line in lines if line.startswith("self-test [")]
    assert [line.split("]", 1)[0] for line in steps] == [
        f"self-test [{n}/{self_test.STEPS}" for n in range(1, self_test.STEPS + 1)
    ]
    assert "logged in ron@swanson.com: 3 account tokens" in steps[-1]
    assert "pawnee-parks-1" not in result.stdout + result.stderr  # the password is never shown


def test_self_test_in_process_reports_each_step() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert self_test.run(out=out, err=err) == 0
    assert err.getvalue() == ""
    text = out.getvalue()
    assert "CA bundle" in text
    assert "keyring backends" in text
    assert "SecretService" in text
    assert "sandbox listening on http://127.0.0.1:" in text
    assert "connected with client_credentials" in text
    assert text.endswith("self-test passed\n")


def test_a_wrong_password_fails_with_a_clear_message() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert self_test.run(password="not-his-password", out=out, err=err) == 1
    assert "self-test passed" not in out.getvalue()
    message = err.getvalue().strip()
    assert message.startswith("self-test FAILED at step 5 (log in ron@swanson.com): ")
    assert "Username or password not accepted for this password profile." in message
    assert "HTTP 401" in message
    assert "not-his-password" not in message


def test_a_shopper_with_the_wrong_number_of_accounts_fails() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert self_test.run(username="april", password="no-accounts-1", out=out, err=err) == 1
    assert "expected 3 account tokens for april, got 0" in err.getvalue()
