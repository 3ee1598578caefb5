"""Runs blocking API calls on a thread pool and reports back on the GUI thread.

Contract, relied on by every window: a job ends in exactly one of ``succeeded(result)`` or
``failed(error)``, then ``finished``; results of a job superseded by a newer one on the same
channel are dropped (a slow, cancelled login must never overwrite a newer table); and
``shutdown`` is bounded, so closing the window never hangs on the network.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop_app.api.errors import ApiError, OperationCancelled

log = logging.getLogger("desktop_app.worker")

SHUTDOWN_WAIT_MS = 1500
# How long a job waits, at most, for the GUI thread to handle a progress report it waits on:
# long enough for a window between two paints, short enough that a busy one costs little.
HANDLED_WAIT_S = 0.05


class UnexpectedFailure(ApiError):
    """A bug, not a store problem: say so plainly and keep the app usable."""

    default_message = (
        "Something unexpected went wrong inside the app. The details are in the log; "
        "please report it."
    )


class JobContext:
    """What a job function may use: its cancel flag and a progress reporter."""

    def __init__(self, job_id: int, events: _JobEvents) -> None:
        self.job_id = job_id
        self.cancelled = threading.Event()
        self._events = events
        self.abort_hooks: list[Callable[[], None]] = []
        self._awaited: threading.Event | None = None

    def report_progress(self, value: object) -> None:
        self._events.progress.emit(self.job_id, value, None)

    def report_progress_and_wait(self, value: object, timeout_s: float | None = None) -> bool:
        """Report, then wait until the GUI thread has handled the report; True if it did.

        For a report the user is waiting to see (a login's first rows): the job's next step
        would otherwise compete with the window, for the GIL and on a small machine for a CPU.
        The wait is short (``HANDLED_WAIT_S`` unless given) and ends at once on cancel, so a
        busy window costs the job little."""
        handled = threading.Event()
        self._awaited = handled
        try:
            if self.cancelled.is_set():
                return False
            self._events.progress.emit(self.job_id, value, handled)
            waited = handled.wait(HANDLED_WAIT_S if timeout_s is None else timeout_s)
            return waited and not self.cancelled.is_set()
        finally:
            self._awaited = None

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Register how to interrupt a blocking call (e.g. shut the request's socket).

        A cancel can arrive before the job got this far: the hook then runs at once, so the
        blocking call that follows fails fast instead of running to completion."""
        self.abort_hooks.append(hook)
        if self.cancelled.is_set():
            hook()

    def cancel(self) -> None:
        if self.cancelled.is_set():
            return
        self.cancelled.set()
        awaited = self._awaited
        if awaited is not None:
            awaited.set()  # a job waiting for its report to be shown stops waiting
        for hook in self.abort_hooks:
            try:
                hook()
            except Exception:  # an interrupt that fails must not stop the others
                log.exception("cancel hook failed for job %s", self.job_id)


@dataclass(frozen=True)
class _Outcome:
    """How a job ended: its result, or the error to report instead."""

    result: object = None
    error: BaseException | None = None


class _JobEvents(QObject):
    """Lives on the GUI thread; worker threads emit, so delivery is queued to the GUI.

    A job's end is one event, not "succeeded" then "finished": the GUI thread handles the
    outcome and the end in one turn, and the job's thread sends nothing more once the window
    starts showing the result (a second emit would contend with it for the GIL)."""

    ended = Signal(int, object)  # job id, _Outcome
    progress = Signal(int, object, object)  # job id, value, threading.Event | None


class _Job(QRunnable):
    def __init__(self, context: JobContext, function: Callable[[JobContext], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._context = context
        self._function = function
        self._events = context._events

    def run(self) -> None:
        job_id = self._context.job_id
        outcome: _Outcome | None = None
        try:
            if self._context.cancelled.is_set():
                raise OperationCancelled()  # cancelled while queued: never start
            result = self._function(self._context)
        except (ApiError, OperationCancelled) as error:
            outcome = _Outcome(error=error)
        except Exception as error:
            log.exception("job %s raised an unexpected error", job_id)
            outcome = _Outcome(error=UnexpectedFailure(detail=type(error).__name__))
        else:
            cancelled = self._context.cancelled.is_set()
            outcome = _Outcome(error=OperationCancelled()) if cancelled else _Outcome(result)
        finally:
            if outcome is None:  # a BaseException (KeyboardInterrupt…) left the job: end it
                outcome = _Outcome(error=UnexpectedFailure(detail="the job was interrupted"))
            self._events.ended.emit(job_id, outcome)


@dataclass
class JobHandle:
    """The caller's grip on a submitted job."""

    job_id: int
    channel: str
    context: JobContext
    on_success: Callable[[Any], None] | None = None
    on_failure: Callable[[BaseException], None] | None = None
    on_progress: Callable[[Any], None] | None = None
    on_finished: Callable[[], None] | None = None

    def cancel(self) -> None:
        self.context.cancel()


class JobRunner(QObject):
    """Submits jobs to its own pool; one *channel* per kind of request for stale dropping."""

    job_finished = Signal(int)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._events = _JobEvents(self)
        self._events.ended.connect(self._on_ended)
        self._events.progress.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._jobs: dict[int, JobHandle] = {}
        self._latest: dict[str, int] = {}
        self._accepting = True

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def submit(
        self,
        channel: str,
        function: Callable[[JobContext], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> JobHandle:
        """Start ``function`` off the GUI thread; an older job on ``channel`` is cancelled."""
        if not self._accepting:
            raise RuntimeError("the app is shutting down; no new work is accepted")
        job_id = next(self._ids)
        previous = self._latest.get(channel)
        if previous is not None and previous in self._jobs:
            self._jobs[previous].cancel()
        self._latest[channel] = job_id
        handle = JobHandle(
            job_id=job_id,
            channel=channel,
            context=JobContext(job_id, self._events),
            on_success=on_success,
            on_failure=on_failure,
            on_progress=on_progress,
            on_finished=on_finished,
        )
        was_busy = self.busy
        self._jobs[job_id] = handle
        if not was_busy:  # before the job starts: what listens (the quiet logs) is in place
            self.busy_changed.emit(True)
        self._pool.start(_Job(handle.context, function))
        return handle

    def _current(self, job_id: int) -> JobHandle | None:
        """The handle if its reply still matters: not superseded, and the app not closing."""
        if not self._accepting:
            return None  # after shutdown nobody is left to show a result to
        handle = self._jobs.get(job_id)
        if handle is None or self._latest.get(handle.channel) != job_id:
            return None
        return handle

    @Slot(int, object)
    def _on_ended(self, job_id: int, outcome: _Outcome) -> None:
        try:
            if outcome.error is None:
                self._on_succeeded(job_id, outcome.result)
            else:
                self._on_failed(job_id, outcome.error)
        finally:
            self._on_finished(job_id)

    def _on_succeeded(self, job_id: int, result: object) -> None:
        handle = self._current(job_id)
        if handle is None or handle.context.cancelled.is_set():
            log.debug("dropping stale result of job %s", job_id)
            return
        if handle.on_success is not None:
            handle.on_success(result)

    def _on_failed(self, job_id: int, error: BaseException) -> None:
        handle = self._current(job_id)
        if handle is None:
            log.debug("dropping stale failure of job %s", job_id)
            return
        if handle.on_failure is not None:
            handle.on_failure(error)

    @Slot(int, object, object)
    def _on_progress(self, job_id: int, value: object, handled: threading.Event | None) -> None:
        try:
            handle = self._current(job_id)
            if handle is not None and not handle.context.cancelled.is_set() and handle.on_progress:
                handle.on_progress(value)
        finally:
            if handled is not None:
                handled.set()  # even for a stale report: its job must not wait it out

    def _on_finished(self, job_id: int) -> None:
        handle = self._jobs.pop(job_id, None)
        if handle is None:
            return
        if (
            self._accepting
            and self._latest.get(handle.channel) == job_id
            and handle.on_finished is not None
        ):
            handle.on_finished()
        self.job_finished.emit(job_id)
        if not self._jobs:
            self.busy_changed.emit(False)

    def cancel_channel(self, channel: str) -> None:
        for handle in list(self._jobs.values()):
            if handle.channel == channel:
                handle.cancel()

    def shutdown(self, wait_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop taking work, interrupt what runs, wait a bounded time; True if all ended."""
        self._accepting = False
        running = len(self._jobs)
        for handle in list(self._jobs.values()):
            handle.cancel()
        self._pool.clear()
        finished = self._pool.waitForDone(wait_ms)
        if running:
            log.info(
                "shutdown: %d job(s) were running; %s",
                running,
                "all stopped" if finished else "some did not stop in time",
            )
        return finished
