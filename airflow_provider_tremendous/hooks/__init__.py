"""Hooks: the Tremendous API client for Airflow."""

from airflow_provider_tremendous.hooks.tremendous import TremendousAsyncHook, TremendousHook

__all__ = ["TremendousAsyncHook", "TremendousHook"]
