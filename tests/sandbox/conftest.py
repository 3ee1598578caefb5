"""Fixtures: one shared read-only sandbox for speed, fresh ones for tests that change state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.sandbox import RunningSandbox, start_sandbox
from tests.sandbox.client import SandboxClient


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    """The demo store, shared: tests using it must not create data or inject faults."""
    with start_sandbox() as running:
        yield running


@pytest.fixture
def api(sandbox: RunningSandbox) -> SandboxClient:
    return SandboxClient(sandbox)


@pytest.fixture
def own_sandbox() -> Iterator[RunningSandbox]:
    """A private demo store for tests that create users, inject faults or expire tokens."""
    with start_sandbox() as running:
        yield running


@pytest.fixture
def own_api(own_sandbox: RunningSandbox) -> SandboxClient:
    return SandboxClient(own_sandbox)
