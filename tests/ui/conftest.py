"""A main window wired to a fresh sandbox, exactly as the app builds it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.app_context import SANDBOX, AppContext, ClientOptions, SandboxHandle
from desktop_app.sandbox import RunningSandbox
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY, FAST_TIMEOUTS


@pytest.fixture
def context(sandbox: RunningSandbox) -> Iterator[AppContext]:
    made = AppContext(
        runner=JobRunner(),
        environ={},
        sandbox=SandboxHandle.attached(sandbox),
        client_options=ClientOptions(timeouts=FAST_TIMEOUTS, retry=FAST_RETRY),
    )
    yield made
    made.shutdown()


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    made = MainWindow(context)
    qtbot.addWidget(made)
    with qtbot.waitExposed(made):
        made.show()
    return made


@pytest.fixture
def connected_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    with qtbot.waitSignal(window.connection_ready, timeout=10_000):
        window.select_connection(SANDBOX)
    return window
