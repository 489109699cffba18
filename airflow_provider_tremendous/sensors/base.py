"""The shared sensor: poke with a status check in the worker, or defer to the triggerer with a deadline."""

from __future__ import annotations

import time
from typing import Any

from airflow.providers.common.compat.sdk import AirflowSensorTimeout, BaseSensorOperator, PokeReturnValue

from airflow_provider_tremendous.core.checks import Check, run_check
from airflow_provider_tremendous.core.errors import WaitTimeoutError
from airflow_provider_tremendous.hooks.task_hook import DEFAULT_CONN_ID, TaskHookMixin
from airflow_provider_tremendous.triggers.waiting import (
    default_deferrable,
    raise_if_failed,
    status_trigger,
    verdict_from_event,
)


class ProviderSensor(TaskHookMixin, BaseSensorOperator):
    """Base of every sensor of this provider, whatever the vendor: subclasses build the :class:`Check`.

    A failure status fails the task at once (without retries: they cannot change it); success pushes the
    check's data as the task's return value.

    :param deferrable: wait in the triggerer (default ``[operators] default_deferrable``); the first check runs
        in the worker, so a finished resource never defers.
    :param hook_params: extra hook arguments, also used by the trigger.
    """

    def __init__(
        self,
        *,
        deferrable: bool | None = None,
        hook_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.hook_params = hook_params or {}

    def build_check(self) -> Check:
        """What to wait for."""
        raise NotImplementedError

    def poke(self, context: Any) -> bool | PokeReturnValue:
        verdict = run_check(self.build_check(), self.hook)
        raise_if_failed(verdict)
        if verdict.state == "success":
            self.log.info("Done: %s", verdict.message)
            return PokeReturnValue(is_done=True, xcom_value=verdict.data)
        self.log.info("Waiting: %s", verdict.message)
        return False

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        check = self.build_check()
        verdict = run_check(check, self.hook)
        raise_if_failed(verdict)
        if verdict.state == "success":
            return verdict.data
        deadline = time.time() + float(self.timeout)
        trigger = status_trigger(
            check, self.connection_id, float(self.poke_interval), deadline, self.hook_params, self.vendor
        )
        self.defer(trigger=trigger, method_name="execute_complete", timeout=None)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger: success returns the data; failure, error and timeout raise."""
        try:
            verdict = verdict_from_event(event)
        except WaitTimeoutError as error:
            raise AirflowSensorTimeout(str(error)) from error
        raise_if_failed(verdict)
        self.log.info("Done: %s", verdict.message)
        return verdict.data


class TremendousBaseSensor(ProviderSensor):
    """Base of the Tremendous sensors.

    :param tremendous_conn_id: the Tremendous connection (default ``tremendous_default``).
    """

    def __init__(self, *, tremendous_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tremendous_conn_id = tremendous_conn_id
