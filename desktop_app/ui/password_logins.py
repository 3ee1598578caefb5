"""The "Give a password login" workflow: the form's requests run as worker jobs.

The form only validates and emits; this object turns its requests into jobs against the
connected store, sends the results back to the form and tells the window what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_app.api.errors import (
    BadResponse,
    ConnectionLost,
    OperationCancelled,
    RequestTimeout,
    ServerError,
)
from desktop_app.api.models import PasswordLogin, RealmUser, StoreConnection
from desktop_app.app_context import AppContext, ConnectionEntry, describe_error
from desktop_app.ui.password_login_form import (
    CreateLoginRequest,
    PasswordLoginForm,
    ResetPasswordRequest,
)
from desktop_app.worker import JobContext

if TYPE_CHECKING:
    from desktop_app.api.client import CommerceClient

USER_SEARCH_CHANNEL = "user-search"
USER_LOGINS_CHANNEL = "user-logins"
PASSWORD_LOGIN_CHANNEL = "password-login"  # create and reset: one at a time

# Failures after which a create or reset may still have happened at the store.
OUTCOME_UNKNOWN = (BadResponse, ServerError, RequestTimeout, ConnectionLost, OperationCancelled)

CurrentStore = Callable[[], tuple[ConnectionEntry | None, StoreConnection | None]]
Operation = Callable[["CommerceClient", str, JobContext], object]


class PasswordLogins(QObject):
    users_found = Signal(object)  # tuple[RealmUser, ...]
    logins_listed = Signal(object)  # tuple[PasswordLogin, ...]
    saved = Signal(object)  # PasswordLogin, created or reset
    failed = Signal(object)  # ApiError or OperationCancelled
    status = Signal(str)  # a line for the window's status bar

    def __init__(
        self, form: PasswordLoginForm, context: AppContext, current_store: CurrentStore
    ) -> None:
        super().__init__(form)
        self._form = form
        self._context = context
        self._current_store = current_store
        form.search_requested.connect(self.search_users)
        form.logins_requested.connect(self.list_logins)
        form.create_requested.connect(self.create_login)
        form.reset_requested.connect(self.reset_password)
        form.cancel_requested.connect(self.cancel)

    def _submit(
        self,
        channel: str,
        operation: Operation,
        on_success: Callable[[Any], None],
        *,
        changes_store: bool = False,
    ) -> None:
        """Run a realm operation for the connected store; failures go to the form.

        ``changes_store``: the operation writes, so a failure after sending may hide a change
        that was made (the agent is told, and the user's logins are listed again)."""
        entry, store = self._current_store()
        if entry is None or store is None:
            self._form.show_error("Connect to a store first.")
            return
        context = self._context

        def job(job_context: JobContext) -> object:
            client = context.client_for(entry)
            job_context.on_cancel(client.abort_in_flight)
            return operation(client, store.realm.id, job_context)

        context.runner.submit(
            channel,
            job,
            on_success=on_success,
            on_failure=lambda error: self._on_failed(error, changes_store),
        )

    def search_users(self, text: str) -> None:
        operations = self._context.operations

        def found(users: tuple[RealmUser, ...]) -> None:
            self._form.show_search_results(users)
            self.users_found.emit(users)

        self._submit(
            USER_SEARCH_CHANNEL,
            lambda client, realm, job: operations.search_users(
                client, realm, text, cancelled=job.cancelled
            ),
            found,
        )

    def list_logins(self, user_id: str) -> None:
        operations = self._context.operations

        def listed(logins: tuple[PasswordLogin, ...]) -> None:
            self._form.show_logins(user_id, logins)
            self.logins_listed.emit(logins)

        self._submit(
            USER_LOGINS_CHANNEL,
            lambda client, realm, job: operations.list_logins(
                client, realm, user_id, cancelled=job.cancelled
            ),
            listed,
        )

    def create_login(self, request: CreateLoginRequest) -> None:
        operations = self._context.operations
        self._form.set_busy(True)

        def created(login: PasswordLogin) -> None:
            self._form.set_busy(False)
            self._form.show_created(login, request.user_label, request.password)
            self.status.emit(f"Created the login “{login.username}”")
            self.list_logins(request.user_id)
            self.saved.emit(login)

        self._submit(
            PASSWORD_LOGIN_CHANNEL,
            lambda client, realm, job: operations.create_login(
                client,
                realm,
                request.user_id,
                request.profile,
                request.username,
                request.password,
                cancelled=job.cancelled,
            ),
            created,
            changes_store=True,
        )

    def reset_password(self, request: ResetPasswordRequest) -> None:
        operations = self._context.operations
        self._form.set_busy(True)

        def reset(login: PasswordLogin) -> None:
            self._form.set_busy(False)
            self._form.show_reset(login, request.password)
            self.status.emit(f"New password set for “{login.username}”")
            self.saved.emit(login)

        self._submit(
            PASSWORD_LOGIN_CHANNEL,
            lambda client, realm, job: operations.reset_password(
                client, realm, request.login, request.password, cancelled=job.cancelled
            ),
            reset,
            changes_store=True,
        )

    def cancel(self) -> None:
        self._context.runner.cancel_channel(PASSWORD_LOGIN_CHANNEL)

    def _on_failed(self, error: BaseException, changes_store: bool) -> None:
        self._form.set_busy(False)
        user_id = self._form.user_id_edit.text().strip()
        uncertain = changes_store and isinstance(error, OUTCOME_UNKNOWN) and bool(user_id)
        if isinstance(error, OperationCancelled):
            message = "Cancelled."
            if uncertain:
                message += (
                    " If the store had already received the request, the change may have been "
                    "made: check the existing logins, which are refreshed now."
                )
        else:
            message = describe_error(error)
            if uncertain:
                message += (
                    " The store may still have made the change: check the existing logins, "
                    "which are refreshed now."
                )
        if uncertain:
            self.list_logins(user_id)  # show what the store holds now
        self._form.show_error(message)
        self.failed.emit(error)
