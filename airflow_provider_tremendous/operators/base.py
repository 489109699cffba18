"""What every operator shares, whatever the vendor: the hook (:class:`ProviderOperator`) and, for waiting
operators, the deferrable create-then-wait pattern (:class:`WaitingOperator`). Each vendor's base adds only its
connection argument (``tremendous_conn_id`` here, ``tangocard_conn_id`` in :mod:`.tangocard_base`)."""

from __future__ import annotations

import time
from typing import Any

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_tremendous.core.checks import Check, Verdict, run_check
from airflow_provider_tremendous.hooks.task_hook import DEFAULT_CONN_ID, TaskHookMixin
from airflow_provider_tremendous.triggers.waiting import (
    default_deferrable,
    poll_until_done,
    raise_if_failed,
    status_trigger,
    verdict_from_event,
)

DEFAULT_POLL_INTERVAL = 30.0
DEFAULT_TIMEOUT = 24 * 3600.0


class ProviderOperator(TaskHookMixin, BaseOperator):
    """Base of every operator of this provider: the hook's extra arguments.

    :param hook_params: extra hook arguments (``timeout``, ``max_retries``, ``rate_limit_per_second``), also used
        by triggers.
    """

    def __init__(self, *, hook_params: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hook_params = hook_params or {}


class TremendousBaseOperator(ProviderOperator):
    """Base of the Tremendous operators (and of the bulk and reconcile operators, whose ``conn_id`` may name a
    Tango Card connection instead).

    :param tremendous_conn_id: the Tremendous connection (default ``tremendous_default``).
    """

    def __init__(self, *, tremendous_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tremendous_conn_id = tremendous_conn_id


class WaitingOperator(ProviderOperator):
    """An operator that creates something, then may wait for it (in the worker or, deferrable, in the triggerer).

    Subclasses call :meth:`wait_then_finish` with a check and implement :meth:`finish`, which turns the final
    verdict into the task's result (and may raise).

    :param wait_for_completion: wait until the created resource is done.
    :param deferrable: wait in the triggerer, freeing the worker slot (default ``[operators] default_deferrable``).
    :param poll_interval: seconds between status checks.
    :param timeout: seconds to wait before failing with a timeout.
    """

    def __init__(
        self,
        *,
        wait_for_completion: bool = False,
        deferrable: bool | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.wait_for_completion = wait_for_completion
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.poll_interval = poll_interval
        self.timeout = timeout

    def wait_then_finish(self, context: Any, check: Check, state: dict[str, Any]) -> Any:
        """Check once; done → :meth:`finish`; else defer (deferrable) or poll here until done or timed out."""
        verdict = run_check(check, self.hook)
        if not verdict.done:
            deadline = time.time() + self.timeout
            if self.deferrable:
                trigger = status_trigger(
                    check, self.connection_id, self.poll_interval, deadline, self.hook_params, self.vendor
                )
                self.defer(trigger=trigger, method_name="execute_complete", kwargs={"state": state}, timeout=None)
            verdict = poll_until_done(check, self.hook, self.poll_interval, deadline, self.log)
        return self.finish(context, verdict, state)

    def execute_complete(
        self, context: Any, event: dict[str, Any] | None = None, state: dict[str, Any] | None = None
    ) -> Any:
        """Resume after the trigger: every event status is handled (success, failure, timeout, error)."""
        return self.finish(context, verdict_from_event(event), state or {})

    def finish(self, context: Any, verdict: Verdict, state: dict[str, Any]) -> Any:
        """Turn the final verdict into the task's result; the default raises on failure and returns ``state``."""
        raise_if_failed(verdict)
        return state


class TremendousWaitingOperator(TremendousBaseOperator, WaitingOperator):
    """A Tremendous operator that creates something, then may wait for it (see :class:`WaitingOperator`)."""
