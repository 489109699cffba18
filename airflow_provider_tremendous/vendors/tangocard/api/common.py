"""The ``@tango_endpoint`` decorator: :func:`~airflow_provider_tremendous.core.operation.endpoint` with Tango's
camelCase query names."""

from __future__ import annotations

import functools

from airflow_provider_tremendous.core.operation import endpoint
from airflow_provider_tremendous.vendors.tangocard.naming import tango_name

tango_endpoint = functools.partial(endpoint, query_names=tango_name)
