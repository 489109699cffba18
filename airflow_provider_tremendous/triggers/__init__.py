"""Triggers: asynchronous waits run by Airflow's triggerer."""

from airflow_provider_tremendous.triggers.status import TremendousStatusTrigger

__all__ = ["TremendousStatusTrigger"]
