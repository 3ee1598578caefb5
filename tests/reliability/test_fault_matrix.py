"""Every operation of the desk against every fault a store or a network can produce.

Each cell is a short story in one window: the agent gets to the operation, the fault happens
on exactly that operation's request, and then

(a) the label the agent reads says, word for word, what went wrong;
(b) nothing the agent typed is gone;
(c) once the fault clears, the same operation succeeds in the same window;
(d) the activity log has a row for the request that failed.

Faults the app rides out by itself (a 503 or one 429, retried; an expired bearer, renewed)
must end in success with the failed attempt still visible in the activity log.

The same table renders docs/fault-matrix.md; a test fails when the file and the table differ.
Regenerate it with ``python -m tests.reliability.test_fault_matrix --write-doc``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests.adapters
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListWidget, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.activity import ActivityEntry
from desktop_app.api.transport import Timeouts
from desktop_app.app_context import AppContext, ClientOptions, SandboxHandle
from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.seed import (
    BOB_ID,
    DEMO_EMAIL_PROFILE_ID,
    DEMO_REALM_ID,
    DEMO_SHOPPER_PROFILE_ID,
    RON_ID,
)
from desktop_app.ui.main_window import MainWindow
from desktop_app.worker import JobRunner
from tests.conftest import FAST_RETRY
from tests.reliability.desk import Desk
from tests.reliability.fault_proxy import (
    STORE_HOST,
    Certificates,
    FaultyStoreFront,
    NetworkFault,
    make_certificates,
    resolver_for,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "fault-matrix.md"
READ_TIMEOUT = 0.3
REALM = f"/v2/authentication-realms/{DEMO_REALM_ID}"
USERS = f"{REALM}/user-authentication-info"


# ---------------------------------------------------------------------------- the faults


@dataclass(frozen=True)
class Fault:
    id: str
    title: str
    status: int | None = None  # the HTTP status the store answers, if it answers at all
    network: NetworkFault | None = None
    outcome: str = ""  # what the activity log's Outcome column says for the failed request


FAULTS: tuple[Fault, ...] = (
    Fault("refused", "Connection refused", network=NetworkFault.REFUSED, outcome="Network failure"),
    Fault(
        "timeout",
        f"No answer within the {READ_TIMEOUT:g} s read timeout",
        outcome="Network failure",
    ),
    Fault(
        "unresolvable",
        "Host name not found",
        network=NetworkFault.UNKNOWN_HOST,
        outcome="Network failure",
    ),
    Fault(
        "tls",
        "Certificate not trusted",
        network=NetworkFault.UNTRUSTED_CERTIFICATE,
        outcome="Network failure",
    ),
    Fault("500_html", "500 with an HTML page", 500, outcome="Store error"),
    Fault("502_empty", "502 with an empty body", 502, outcome="Store unreachable (bad gateway)"),
    Fault("503_retry_after", "503 with Retry-After, once", 503, outcome="Store busy"),
    Fault("429_once", "429 once", 429, outcome="Too many requests"),
    Fault("429_always", "429 on every try", 429, outcome="Too many requests"),
    Fault("malformed_json", "A reply that is not JSON", outcome=""),
    Fault("expired_bearer", "Store bearer expired", 401, outcome="Not accepted"),
    Fault("403", "403 Forbidden", 403, outcome="Not allowed"),
    Fault("404", "404 Not Found", 404, outcome="Not found"),
    Fault("409", "409 Conflict", 409, outcome="Already exists"),
    Fault("422", "422 Unprocessable", 422, outcome="Rejected as invalid"),
)
FAULT = {fault.id: fault for fault in FAULTS}


@dataclass(frozen=True)
class Recovers:
    """The app rides the fault out by itself: the operation succeeds on the first click."""

    how: str


@dataclass(frozen=True)
class NotApplicable:
    why: str


Expected = str | Recovers | NotApplicable

# The words the agent reads. ``{host}`` is the store's host:port, ``{request_id}`` the request
# id of the failed reply (read back from the activity log, so the two must agree).
REFUSED = (
    "{host} refused the connection. Check the store URL; for the sandbox, check that it is running."
)
TIMEOUT = "{host} did not answer within 0.3 seconds. Try again in a moment."
UNRESOLVABLE = (
    f"The store's host name {STORE_HOST} could not be found. "
    "Check the store URL and the network connection."
)
UNTRUSTED = (
    "The secure connection to {host} could not be verified, so nothing was sent. "
    "The store's certificate is not trusted on this computer."
)
RETRIED_503 = Recovers("retried after the store's Retry-After, then succeeds")
RETRIED_429 = Recovers("retried after the store's Retry-After, then succeeds")
RENEWED = Recovers("signs in again once and repeats the request, then succeeds")
RATE_LIMITED = "The store is receiving too many requests. Try again in 1 second."
NOT_ALLOWED_ADMIN = (
    "This API key is not allowed to do that. A Support-role key cannot manage "
    "authentication realms; use a key with an Admin role."
)
NOT_FOUND_ADMIN = "The store could not find that user, password profile or login."
DUPLICATE = "That username already exists in this password profile."
PASSWORD_REFUSED = "The store refused the new password for this login."
ONLY_CREATE = NotApplicable("only creating or resetting a login can conflict with a stored one")
NO_BEARER_YET = NotApplicable(
    "the sign-in request carries no bearer; connecting always signs in afresh"
)


def server_error(status: int) -> str:
    return (
        f"The store had a problem answering (HTTP {status}). Try again in a moment. "
        "(request {request_id})"
    )


def said(sentence: str, status: int) -> str:
    """A sentence of ours, then what the store's JSON:API error said, then status and id."""
    return (
        f"{sentence} The store said: injected {status} fault (sandbox fail_next) "
        f"(HTTP {status}, request {{request_id}})"
    )


MAY_HAVE_CHANGED = (
    " The store may still have made the change: check the existing logins, which are refreshed now."
)


def uncertain(**cells: str) -> dict[str, str]:
    """A write whose reply went wrong may still have happened: the agent is told so."""
    return {fault: text + MAY_HAVE_CHANGED for fault, text in cells.items()}


def unreadable(status: int) -> str:
    return f"The store sent a reply that is not valid JSON. (HTTP {status}, request {{request_id}})"


def common(status_of_success: int, **specific: Expected) -> dict[str, Expected]:
    """What every operation shares; ``specific`` words the rest for that operation."""
    cells: dict[str, Expected] = {
        "refused": REFUSED,
        "timeout": TIMEOUT,
        "unresolvable": UNRESOLVABLE,
        "tls": UNTRUSTED,
        "500_html": server_error(500),
        "502_empty": server_error(502),
        "503_retry_after": RETRIED_503,
        "429_once": RETRIED_429,
        "429_always": said(RATE_LIMITED, 429),
        "malformed_json": unreadable(status_of_success),
        "expired_bearer": RENEWED,
        "409": ONLY_CREATE,
        "422": ONLY_CREATE,
    }
    cells.update(specific)
    assert set(cells) == set(FAULT), f"cells for {sorted(set(FAULT) - set(cells))} missing"
    return cells


# ------------------------------------------------------------------------ the operations


class Operation:
    """One thing the agent does; subclasses say how to get there, do it and see it worked."""

    id: str
    title: str
    label: str  # objectName of the label that explains a failure
    method: str
    success_status: int  # what the store answers when the operation works
    path: str  # prefix of the request the fault is aimed at
    after: int = 0  # how many matching requests go through first (a later page)
    failing_query: str = ""  # what the failed request's query must show (which page)
    # Network faults are switched on once this earlier request has been answered (None: now).
    arm_after: str | None = None
    prime_bearer = False  # do the operation once first, so an expired bearer is a cached one
    # Faults after which the store did make the change (only the reply was broken): the
    # agent recovers by reading the refreshed state, not by doing it again.
    made_despite: frozenset[str] = frozenset()
    cells: dict[str, Expected]

    def assert_change_visible(self, desk: Desk) -> None:
        raise NotImplementedError(f"{self.id} makes no change a fault can hide")

    def prepare(self, desk: Desk) -> None:
        """Everything up to, not including, the operation; the agent's text is typed here."""

    def act(self, desk: Desk) -> bool:
        raise NotImplementedError

    def assert_succeeded(self, desk: Desk) -> None:
        raise NotImplementedError

    def assert_kept(self, desk: Desk) -> None:
        """Nothing the agent typed or chose is gone."""
        raise NotImplementedError


RON = ("ron@swanson.com", "pawnee-parks-1")
LESLIE = ("leslie@knope.com", "waffles-250")


class Connect(Operation):
    id = "connect"
    title = "Connect: check the connection (sign-in)"
    label = "connectionStatusLabel"
    method = "POST"
    success_status = 200
    path = "/oauth/access_token"

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            expired_bearer=NO_BEARER_YET,
            **{
                "403": said(
                    "The store did not accept this connection's client ID or client secret. "
                    "Check them in the connection settings.",
                    403,
                ),
                "404": said(
                    "This address does not look like a Commerce API: it has no sign-in "
                    "endpoint. Check the store URL.",
                    404,
                ),
            },
        )

    def prepare(self, desk: Desk) -> None:
        # The agent types the shopper's login while the store is still being chosen.
        desk.type_into("loginUsernameEdit", RON[0])
        desk.type_into("loginPasswordEdit", RON[1])

    def act(self, desk: Desk) -> bool:
        return desk.connect()

    def assert_succeeded(self, desk: Desk) -> None:
        assert desk.text("connectionStatusLabel") == (
            f"Connected to Environment ({desk.front.host}) (admin access) · 2 password profiles"
        )
        assert desk.button("loginButton").isEnabled()

    def assert_kept(self, desk: Desk) -> None:
        assert desk.edit("loginUsernameEdit").text() == RON[0]
        assert desk.edit("loginPasswordEdit").text() == RON[1]
        assert desk.window.connection_bar.combo.currentText() == (
            f"Environment ({desk.front.host})"
        )
        assert desk.button("reconnectButton").isEnabled()


class FindRealm(Connect):
    id = "realm"
    title = "Connect: realm discovery"
    method = "GET"
    path = "/v2/settings/account-authentication"
    arm_after = "/oauth/access_token"

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(NOT_ALLOWED_ADMIN, 403),
                "404": said(
                    "This store has no account-authentication settings, so shopper logins are "
                    "not set up.",
                    404,
                ),
            },
        )


class ListProfiles(Connect):
    id = "profiles"
    title = "Connect: password profiles"
    method = "GET"
    path = f"{REALM}/password-profiles"
    arm_after = "/v2/settings/account-authentication"

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(NOT_ALLOWED_ADMIN, 403),
                "404": said("The store's authentication realm was not found.", 404),
            },
        )


class LogIn(Operation):
    id = "login"
    title = "Log in as a shopper (Ron, 3 accounts)"
    label = "loginErrorLabel"
    method = "POST"
    success_status = 201
    path = "/v2/account-members/tokens"
    arm_after = "/oauth/access_token"  # the shopper-side (implicit) sign-in comes first
    prime_bearer = True
    profile, shopper, accounts = DEMO_SHOPPER_PROFILE_ID, RON, 3

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(
                    "This connection is not allowed to log shoppers in. Check the API key's role.",
                    403,
                ),
                "404": said(
                    "That password profile does not exist in this store. Reconnect to refresh "
                    "the list of profiles.",
                    404,
                ),
            },
        )

    def prepare(self, desk: Desk) -> None:
        assert desk.connect()
        desk.choose("loginPasswordProfileCombo", self.profile)
        desk.type_into("loginUsernameEdit", self.shopper[0])
        desk.type_into("loginPasswordEdit", self.shopper[1])

    def act(self, desk: Desk) -> bool:
        return desk.log_in()

    def assert_succeeded(self, desk: Desk) -> None:
        assert desk.table_rows() == self.accounts
        assert desk.text("loginErrorLabel") == ""
        summary = desk.text("loginSummaryLabel")
        assert f" · {self.accounts} accounts · logged in at " in summary, summary

    def assert_kept(self, desk: Desk) -> None:
        assert desk.edit("loginUsernameEdit").text() == self.shopper[0]
        assert desk.edit("loginPasswordEdit").text() == self.shopper[1]
        assert desk.button("loginButton").isEnabled()
        # never a half-read shopper: the table is what it was before this login
        assert desk.table_rows() == 0
        assert desk.text("loginSummaryLabel") == (
            "Log in as a shopper to see their account tokens here."
        )


class LogInPaged(LogIn):
    id = "login_paged"
    title = "Log in as a shopper, failing on page 2 (Leslie, 250 accounts)"
    after = 1
    failing_query = "page[offset]=100"
    arm_after = "/v2/account-members/tokens"  # page 1 is answered, then the network goes
    prime_bearer = False  # page 1 cached the bearer that page 2 finds expired
    profile, shopper, accounts = DEMO_EMAIL_PROFILE_ID, LESLIE, 250


class SearchUsers(Operation):
    id = "search"
    title = "Find a user (“Bob”)"
    label = "profileErrorLabel"
    method = "GET"
    success_status = 200
    path = USERS

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{"403": said(NOT_ALLOWED_ADMIN, 403), "404": said(NOT_FOUND_ADMIN, 404)},
        )

    def prepare(self, desk: Desk) -> None:
        assert desk.connect()
        desk.open_password_tab()

    def act(self, desk: Desk) -> bool:
        return desk.search("Bob")

    def assert_succeeded(self, desk: Desk) -> None:
        results = desk.find(QListWidget, "profileUserResultsList")
        assert [results.item(i).text() for i in range(results.count())] == [
            "Bob Belcher <bob@belcher.com>"
        ]

    def assert_kept(self, desk: Desk) -> None:
        assert desk.edit("profileUserSearchEdit").text() == "Bob"


class CreateLogin(Operation):
    id = "create"
    title = "Create a password login (Bob, “bob”)"
    label = "profileErrorLabel"
    method = "POST"
    success_status = 201
    path = f"{USERS}/{BOB_ID}/user-authentication-password-profile-info"
    typed = (
        ("profileUsernameEdit", "bob"),
        ("profilePasswordEdit", "burgers-1234"),
        ("profilePasswordConfirmEdit", "burgers-1234"),
    )

    made_despite = frozenset({"malformed_json"})

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(NOT_ALLOWED_ADMIN, 403),
                "404": said(NOT_FOUND_ADMIN, 404),
                "409": said(DUPLICATE, 409),
                "422": said(DUPLICATE, 422),
            },
        )
        self.cells.update(
            uncertain(
                **{
                    fault: str(self.cells[fault])
                    for fault in ("timeout", "500_html", "502_empty", "malformed_json")
                }
            )
        )

    def assert_change_visible(self, desk: Desk) -> None:
        logins = desk.find(QListWidget, "profileExistingLoginsList")
        desk.qtbot.waitUntil(
            lambda: (
                [logins.item(i).text() for i in range(logins.count())] == ["bob — Shopper logins"]
            ),
            timeout=5_000,
        )

    def prepare(self, desk: Desk) -> None:
        assert desk.connect()
        desk.open_password_tab()
        assert desk.search("Bob")
        desk.pick_only_result()
        desk.choose("profilePasswordProfileCombo", DEMO_SHOPPER_PROFILE_ID)
        for name, text in self.typed:
            desk.type_into(name, text)

    def act(self, desk: Desk) -> bool:
        return desk.save_password_login("createProfileButton")

    def assert_succeeded(self, desk: Desk) -> None:
        result = desk.text("profileResultLabel")
        assert result.startswith(
            "Created the login “bob” for Bob Belcher <bob@belcher.com> (login ID "
        ), result
        assert desk.text("profileErrorLabel") == ""

    def assert_kept(self, desk: Desk) -> None:
        assert desk.edit("profileUserAuthInfoEdit").text() == BOB_ID
        for name, text in self.typed:
            assert desk.edit(name).text() == text, name
        assert desk.button("createProfileButton").isEnabled()


class ResetPassword(Operation):
    id = "reset"
    title = "Reset a password (Ron's login)"
    label = "profileErrorLabel"
    method = "PUT"
    success_status = 200
    path = f"{USERS}/{RON_ID}/user-authentication-password-profile-info/"
    typed = (
        ("profilePasswordEdit", "a-new-secret-1"),
        ("profilePasswordConfirmEdit", "a-new-secret-1"),
    )

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(NOT_ALLOWED_ADMIN, 403),
                "404": said(NOT_FOUND_ADMIN, 404),
                "409": said(PASSWORD_REFUSED, 409),
                "422": said(PASSWORD_REFUSED, 422),
            },
        )
        self.cells.update(
            uncertain(
                **{
                    fault: str(self.cells[fault])
                    for fault in ("timeout", "500_html", "502_empty", "malformed_json")
                }
            )
        )

    def prepare(self, desk: Desk) -> None:
        assert desk.connect()
        desk.open_password_tab()
        assert desk.search(RON[0])
        desk.pick_only_result()
        desk.find(QListWidget, "profileExistingLoginsList").setCurrentRow(0)
        desk.window.password_login_form.confirm_reset = lambda login: True
        for name, text in self.typed:
            desk.type_into(name, text)

    def act(self, desk: Desk) -> bool:
        return desk.save_password_login("resetPasswordButton")

    def assert_succeeded(self, desk: Desk) -> None:
        result = desk.text("profileResultLabel")
        assert result.startswith("Set a new password for “ron@swanson.com” (login ID "), result
        assert desk.text("profileErrorLabel") == ""

    def assert_kept(self, desk: Desk) -> None:
        for name, text in self.typed:
            assert desk.edit(name).text() == text, name
        logins = desk.find(QListWidget, "profileExistingLoginsList")
        assert logins.currentRow() == 0
        assert desk.button("resetPasswordButton").isEnabled()


class VerifyToken(Operation):
    id = "verify"
    title = "Verify an account token (token details → Verify)"
    label = "verifyResultLabel"
    method = "GET"
    success_status = 200
    path = "/v2/account-members"

    def __init__(self) -> None:
        self.cells = common(
            self.success_status,
            **{
                "403": said(
                    "This connection is not allowed to check account tokens. Check the API "
                    "key's role.",
                    403,
                ),
                "404": said(
                    "The store could not find the member this account token belongs to: the "
                    "shopper may have been removed from the store.",
                    404,
                ),
            },
        )

    def prepare(self, desk: Desk) -> None:
        LogIn().prepare(desk)
        assert desk.log_in()
        desk.find(QTableView, "tokenTable").selectRow(0)
        desk.window.token_tools.show_details()
        assert QTest.qWaitForWindowExposed(desk.dialog)

    def act(self, desk: Desk) -> bool:
        return desk.verify()

    def assert_succeeded(self, desk: Desk) -> None:
        assert desk.dialog.verify_result_label.text() == (
            "The store accepted this token: it acts as Ron Swanson <ron@swanson.com> "
            f"(member {RON_ID})."
        )

    def assert_kept(self, desk: Desk) -> None:
        dialog = desk.dialog
        assert dialog.isVisible()
        assert dialog.raw_edit.text() == dialog.token.token
        assert dialog.verify_button.isEnabled()
        assert desk.edit("loginUsernameEdit").text() == RON[0]


OPERATIONS: tuple[Operation, ...] = (
    Connect(),
    FindRealm(),
    ListProfiles(),
    LogIn(),
    LogInPaged(),
    SearchUsers(),
    CreateLogin(),
    ResetPassword(),
    VerifyToken(),
)


# Cells where the app does not yet do what it should: the test fails at the step that shows
# it (strict: a fix makes the test pass and this entry must go).
KNOWN_GAPS: dict[str, str] = {}


def cells() -> Iterator[tuple[Operation, Fault, Expected]]:
    for operation in OPERATIONS:
        for fault in FAULTS:
            yield operation, fault, operation.cells[fault.id]


def matrix_params() -> list[object]:
    return [
        pytest.param(
            operation,
            fault,
            expected,
            id=f"{operation.id}-{fault.id}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[f"{operation.id}-{fault.id}"])]
            if f"{operation.id}-{fault.id}" in KNOWN_GAPS
            else [],
        )
        for operation, fault, expected in cells()
        if not isinstance(expected, NotApplicable)
    ]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("fault-matrix-tls"))


@pytest.fixture
def desk(
    qtbot: QtBot,
    sandbox: RunningSandbox,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Desk]:
    """A window whose "Environment" connection is the sandbox behind a faulty https front."""
    import socket

    front = FaultyStoreFront(sandbox.url, certificates)
    monkeypatch.setattr(socket, "getaddrinfo", resolver_for(front))
    # This computer trusts the test CA, as a store's real CA is trusted.
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(certificates.ca_bundle))
    context = AppContext(
        runner=JobRunner(),
        environ={
            "EPCC_API_BASE_URL": front.url,
            "EPCC_CLIENT_ID": sandbox.seed.client_id,
            "EPCC_CLIENT_SECRET": sandbox.seed.client_secret,
        },
        sandbox=SandboxHandle.attached(sandbox),
        client_options=ClientOptions(
            timeouts=Timeouts(connect=1, read=READ_TIMEOUT), retry=FAST_RETRY
        ),
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    try:
        yield Desk(qtbot, window, sandbox, front)
    finally:
        front.clear()  # release anything still stalled before the window stops its jobs
        window.close()
        front.stop()


# --------------------------------------------------------------------------- the matrix


def inject(desk: Desk, operation: Operation, fault: Fault) -> None:
    """Aim ``fault`` at the operation's request (the one after ``operation.after`` others)."""
    front, sandbox = desk.front, desk.sandbox
    if fault.network is not None:
        front.arm(fault.network, operation.arm_after)
    elif fault.id == "timeout":
        front.stall(operation.path, after=operation.after)
    elif fault.id == "malformed_json":
        front.garble(operation.path, after=operation.after)
    elif fault.id == "expired_bearer":
        front.before(operation.path, sandbox.expire_access_tokens, after=operation.after)
    else:
        assert fault.status is not None
        attempts = 1 + FAST_RETRY.attempts if fault.id == "429_always" else 1
        sandbox.fail_next(fault.status, operation.path, times=attempts, after=operation.after)


def failed_row(
    desk: Desk, operation: Operation, fault: Fault, expected_status: int | None
) -> ActivityEntry:
    """The activity log's last row for the operation's request with the fault's outcome."""
    rows = [
        entry
        for entry in desk.activity()
        if entry.method == operation.method
        and entry.path.startswith(operation.path)
        and operation.failing_query in entry.path  # which page failed, even with no reply
        and entry.status == expected_status
        and (not fault.outcome or entry.outcome == fault.outcome)
    ]
    assert rows, (
        f"no activity row for {operation.method} {operation.path} with status "
        f"{expected_status} / {fault.outcome!r}: "
        + repr([(e.method, e.path, e.status, e.outcome) for e in desk.activity()])
    )
    return rows[-1]


@pytest.mark.parametrize(("operation", "fault", "expected"), matrix_params())
def test_fault_matrix(
    desk: Desk, operation: Operation, fault: Fault, expected: str | Recovers
) -> None:
    operation.prepare(desk)
    if fault.id == "expired_bearer" and operation.prime_bearer:
        assert operation.act(desk), "the operation must work once before its bearer expires"
    inject(desk, operation, fault)

    succeeded = operation.act(desk)

    if isinstance(expected, Recovers):
        assert succeeded, (
            f"expected the app to recover by itself; it said: {desk.text(operation.label)}"
        )
        operation.assert_succeeded(desk)
        failed_row(desk, operation, fault, fault.status)
        return
    assert not succeeded
    # (d) the activity log has the failed request; its request id is the one the agent reads
    status = operation.success_status if fault.id == "malformed_json" else fault.status
    row = failed_row(desk, operation, fault, None if fault.outcome == "Network failure" else status)
    # (a) the exact words
    assert desk.text(operation.label) == expected.format(
        host=desk.front.host, request_id=row.request_id
    )
    # (b) nothing typed is lost
    operation.assert_kept(desk)
    # (c) once the fault clears, the same operation works in the same window — or, where
    # the store did act and only the reply broke, the refreshed state shows the change
    desk.front.clear()
    if fault.id in operation.made_despite:
        operation.assert_change_visible(desk)
        return
    assert operation.act(desk), (
        f"still failing after the fault cleared: {desk.text(operation.label)}"
    )
    operation.assert_succeeded(desk)


# ------------------------------------------------------------------------------ the doc


def render_doc() -> str:
    def words(expected: Expected) -> str:
        if isinstance(expected, NotApplicable):
            return f"N/A — {expected.why}"
        if isinstance(expected, Recovers):
            return f"*(no message: {expected.how})*"
        text = expected.format(host=f"{STORE_HOST}:&lt;port&gt;", request_id="&lt;request id&gt;")
        return f"“{text}”"

    tested = sum(not isinstance(e, NotApplicable) for _, _, e in cells())
    total = len(OPERATIONS) * len(FAULTS)
    lines = [
        "# Fault matrix",
        "",
        "<!-- Generated from tests/reliability/test_fault_matrix.py; do not edit by hand. -->",
        "<!-- Regenerate: .venv/bin/python -m tests.reliability.test_fault_matrix --write-doc -->",
        "",
        "What the agent reads when each operation meets each fault, tested cell by cell in one",
        "window (`tests/reliability/test_fault_matrix.py`, ids like `login-500_html`). Every",
        "tested cell also checks that nothing typed is lost, that the same operation succeeds in",
        "the same window once the fault clears, and that the activity log has a row for the",
        "failed request.",
        "",
        f"{tested} cells tested, {total - tested} not applicable.",
        "",
        "How the faults are made: the window's connection points at "
        f"`https://{STORE_HOST}:<port>`, a front (`tests/reliability/fault_proxy.py`) that",
        "forwards to the sandbox. Its name resolves through a patched resolver, its certificate",
        "is signed by a test CA the test makes this machine trust. *Refused* closes the front's",
        "listener, *host name not found* makes the resolver forget the name, *certificate not",
        "trusted* switches to a self-signed certificate; each is switched on once the request",
        "before the operation's own has been answered. *No answer* holds the request without",
        "forwarding it (read timeout 0.3 s). *Not JSON* forwards the request and garbles the",
        "reply. HTTP statuses come from the sandbox's `fail_next` (500 is an HTML page, 502 is",
        "empty, 429/503 carry `Retry-After: 1`, others a JSON:API error whose detail is",
        "“injected N fault (sandbox fail_next)”). *Store bearer expired* calls",
        "`expire_access_tokens()` just before the request.",
        "",
        "`<port>` and `<request id>` vary per run; the test checks the request id against the",
        "activity log's row for the failed request.",
        "",
        "## Overview",
        "",
        "| operation | " + " | ".join(f"`{f.id}`" for f in FAULTS) + " |",
        "|---|" + "---|" * len(FAULTS),
    ]
    for operation in OPERATIONS:
        marks = []
        for fault in FAULTS:
            expected = operation.cells[fault.id]
            marks.append(
                "N/A"
                if isinstance(expected, NotApplicable)
                else ("recovers" if isinstance(expected, Recovers) else "message")
            )
        lines.append(f"| `{operation.id}` | " + " | ".join(marks) + " |")
    for operation in OPERATIONS:
        lines += [
            "",
            f"## `{operation.id}` — {operation.title}",
            "",
            f"Fault aimed at `{operation.method} {operation.path}`"
            + (f" (after {operation.after} good one)" if operation.after else "")
            + f"; the message is in `{operation.label}`.",
            "",
            "| fault | what the agent reads |",
            "|---|---|",
        ]
        for fault in FAULTS:
            cell = words(operation.cells[fault.id])
            gap = KNOWN_GAPS.get(f"{operation.id}-{fault.id}")
            if gap:
                cell += f" **Known gap:** {gap}"
            lines.append(f"| `{fault.id}` {fault.title} | {cell} |")
    return "\n".join(lines) + "\n"


def test_the_fault_matrix_doc_is_current() -> None:
    assert DOC.exists(), "docs/fault-matrix.md is missing"
    assert DOC.read_text(encoding="utf-8") == render_doc(), (
        "docs/fault-matrix.md is out of date: run "
        ".venv/bin/python -m tests.reliability.test_fault_matrix --write-doc"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-doc"]:
        raise SystemExit("usage: python -m tests.reliability.test_fault_matrix --write-doc")
    DOC.write_text(render_doc(), encoding="utf-8")
    print(f"wrote {DOC}")
