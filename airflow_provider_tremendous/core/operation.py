"""Declare an endpoint once; call it from the sync hook and the async hook alike.

An endpoint is a typed, documented stub decorated with :func:`endpoint`::

    @endpoint("GET", "/orders/{order_id}", key="order")
    def get_order(self, order_id: str) -> Order:
        \"\"\"Retrieve an order by its id or its external_id.\"\"\"

The stub's signature says how arguments travel: parameters named in the path template go into the path
(escaped), a parameter named ``body`` is the JSON body, every other parameter is a query parameter
(``created_at_gte`` → ``created_at[gte]``; datetimes as ISO-8601 UTC). The return annotation says how the answer
is read: ``data[key]`` validated as that type, ``str``/``bytes`` for downloads, ``None`` for 204s.

Accessed on a sync hook, an :class:`Operation` is a :class:`BoundOperation` that returns the result; on an async
hook it is an :class:`AsyncBoundOperation` that returns a coroutine. Both build the same :class:`ApiRequest` and
parse the same :class:`RawResponse`; only the send differs. Bound operations also offer ``with_http_info`` (status
code and headers, e.g. to tell a 201 idempotent replay from a 200 new order) and, for paginated lists,
``iter_all``.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import typing
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, cast, overload

from airflow.providers.common.compat.sdk import mask_secret
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

from airflow_provider_tremendous.core.errors import ResponseError, describe_validation_error
from airflow_provider_tremendous.core.pagination import Page
from airflow_provider_tremendous.core.paging import PageCursor, Paging
from airflow_provider_tremendous.core.transport.request import (
    ApiRequest,
    RawResponse,
    query_name,
    query_value,
    quote_path_segment,
)

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

#: A request body: a plain dict or a pydantic model.
Body = Mapping[str, Any] | BaseModel


class SyncExecutor(Protocol):
    """Something that sends an :class:`ApiRequest` synchronously (the sync hook)."""

    def _execute(self, request: ApiRequest) -> RawResponse: ...


class AsyncExecutor(Protocol):
    """Something that sends an :class:`ApiRequest` asynchronously (the async hook)."""

    async def _aexecute(self, request: ApiRequest) -> RawResponse: ...


@dataclass(frozen=True)
class ApiResponse(Generic[T_co]):
    """A result together with its HTTP status code and (lower-cased) headers."""

    status_code: int
    headers: Mapping[str, str]
    data: T_co


def _serialize_body(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(body, Mapping):
        return to_jsonable_python(dict(body))
    raise TypeError(f"a request body must be a dict or a pydantic model, not {type(body).__name__}")


def _excerpt(request: ApiRequest, response: RawResponse) -> str:
    """The start of an unreadable answer, for people, with the request's secret values replaced."""
    return repr(request.scrub_bytes(response.content[:300]))


class Operation(Generic[P, T]):
    """One API operation, declared once from a typed stub (see the module docstring)."""

    def __init__(
        self,
        stub: Callable[Concatenate[Any, P], T],
        *,
        method: str,
        path: str,
        key: str | None,
        pagination: Paging | None,
        idempotency_field: str | None,
        secret_result: bool,
        query_names: Callable[[str], str] = query_name,
        secret_fields: tuple[str, ...] = (),
    ) -> None:
        self.name = stub.__name__
        self.secret_fields = secret_fields
        self.method = method
        self.path = path
        self.key = key
        self.pagination = pagination
        self.idempotency_field = idempotency_field
        self.secret_result = secret_result
        self.query_names = query_names
        self.stub = stub
        self.signature = inspect.signature(stub)
        self.path_params = tuple(re.findall(r"{(\w+)}", path))
        self.__doc__ = stub.__doc__
        functools.update_wrapper(self, stub)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<Operation {self.name}: {self.method} {self.path}>"

    @overload
    def __get__(self, instance: None, owner: type) -> Operation[P, T]: ...
    @overload
    def __get__(  # type: ignore[overload-overlap]
        self, instance: AsyncExecutor, owner: type
    ) -> AsyncBoundOperation[P, T]: ...
    @overload
    def __get__(self, instance: SyncExecutor, owner: type) -> BoundOperation[P, T]: ...
    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        if hasattr(instance, "_aexecute"):
            return AsyncBoundOperation(self, instance)
        return BoundOperation(self, instance)

    # -- request ----------------------------------------------------------------------------------------------
    def build_request(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> ApiRequest:
        """Map call arguments onto path, query and body, exactly as the stub's signature describes."""
        bound = self.signature.bind(None, *args, **kwargs)
        path_values: dict[str, str] = {}
        params: list[tuple[str, str]] = []
        body: Any = None
        for name, value in list(bound.arguments.items())[1:]:
            kind = self.signature.parameters[name].kind
            if name in self.path_params:
                path_values[name] = quote_path_segment(value)
            elif name == "body":
                body = _serialize_body(value)
            elif kind is inspect.Parameter.VAR_KEYWORD:
                params += [(self.query_names(k), query_value(v)) for k, v in value.items() if v is not None]
            elif value is not None:
                params.append((self.query_names(name), query_value(value)))
        return ApiRequest(
            method=self.method,
            path=self.path.format(**path_values),
            params=tuple(params),
            json_body=body,
            retry_safe=self._retry_safe(body),
            name=self.name,
            redact=self._secret_values(bound.arguments, body),
        )

    def _secret_values(self, arguments: Mapping[str, Any], body: Any) -> tuple[str, ...]:
        """The values of this operation's secret path parameters and body fields, masked in logs and kept out of
        every error text (the API may echo them: "Credit card '<token>' not found")."""
        found = [arguments.get(name) for name in self.secret_fields]
        found += [body.get(name) for name in self.secret_fields] if isinstance(body, Mapping) else []
        values = tuple(str(value) for value in found if value not in (None, ""))
        for value in values:
            mask_secret(value)
        return values

    def _retry_safe(self, body: Any) -> bool:
        if self.method != "POST":
            return True
        if self.idempotency_field and isinstance(body, Mapping):
            return bool(body.get(self.idempotency_field))
        return False

    # -- response ---------------------------------------------------------------------------------------------
    @functools.cached_property
    def return_type(self) -> Any:
        """The stub's resolved return annotation."""
        return typing.get_type_hints(self.stub)["return"]

    @functools.cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.return_type)

    def parse(self, request: ApiRequest, response: RawResponse) -> T:
        """Read ``response`` as the stub's return type; raise :class:`ResponseError` if it is not."""
        rtype = self.return_type
        if rtype is type(None):
            return None  # type: ignore[return-value]
        if rtype is bytes:
            return response.content  # type: ignore[return-value]
        if rtype is str and self.key is None:
            return response.content.decode(response.charset, errors="replace")  # type: ignore[return-value]
        data = self._decode_json(request, response)
        if self.key is not None:
            if not isinstance(data, Mapping) or self.key not in data:
                raise ResponseError(
                    f"{self.method} {request.shown_path}: the response has no '{self.key}' field "
                    f"(status {response.status}): {_excerpt(request, response)}"
                )
            if self.pagination is not None:
                data = self.pagination.page_data(data, self.key, dict(request.params))
            else:
                data = data[self.key]
        try:
            result: T = self._adapter.validate_python(data)
        except ValidationError as error:  # the inputs are left out: they may be links, codes or card tokens
            raise ResponseError(
                f"{self.method} {request.shown_path}: the response does not have the expected shape: "
                f"{describe_validation_error(error)}"
            ) from None
        self._mask(result)
        return result

    def _decode_json(self, request: ApiRequest, response: RawResponse) -> Any:
        try:
            return json.loads(response.content.decode(response.charset))
        except (ValueError, LookupError):
            raise ResponseError(
                f"{self.method} {request.shown_path}: expected JSON, got {response.content_type or 'no content type'} "
                f"(status {response.status}): {_excerpt(request, response)}"
            ) from None

    def _mask(self, result: Any) -> None:
        if self.secret_result and isinstance(result, str):
            mask_secret(result)
        private_key = getattr(result, "private_key", None)
        if isinstance(private_key, str) and private_key:
            mask_secret(private_key)


def endpoint(
    method: str,
    path: str,
    *,
    key: str | None = None,
    pagination: Paging | None = None,
    idempotency_field: str | None = None,
    secret_result: bool = False,
    query_names: Callable[[str], str] = query_name,
    secret_fields: tuple[str, ...] = (),
) -> Callable[[Callable[Concatenate[Any, P], T]], Operation[P, T]]:
    """Declare an API operation from a typed stub.

    :param method: HTTP method.
    :param path: path template below the base URL, with ``{param}`` placeholders named like the stub's params.
    :param key: the response wrapper key (``"order"`` for ``{"order": {...}}``); ``None`` for raw bodies.
    :param pagination: paging rules for offset/limit list endpoints.
    :param idempotency_field: for POSTs, the body field whose presence makes a retry safe.
    :param secret_result: mask the (string) result in logs, e.g. a newly created API key.
    :param query_names: maps a keyword argument to its query wire name (Tremendous: ``created_at_gte`` →
        ``created_at[gte]``; Tango Card: camelCase).
    :param secret_fields: path parameters and top-level body fields whose values are secret (a card token): masked
        in logs and replaced in every error this operation raises.
    """

    def decorate(stub: Callable[Concatenate[Any, P], T]) -> Operation[P, T]:
        return Operation(
            stub,
            method=method,
            path=path,
            key=key,
            pagination=pagination,
            idempotency_field=idempotency_field,
            secret_result=secret_result,
            query_names=query_names,
            secret_fields=secret_fields,
        )

    return decorate


def _cursor(operation: Operation[Any, Any], kwargs: Mapping[str, Any]) -> PageCursor:
    if operation.pagination is None:
        raise TypeError(f"{operation.name} is not a paginated list")
    return operation.pagination.cursor(operation, kwargs)


class BoundOperation(Generic[P, T]):
    """An operation bound to a sync hook: call it for the result."""

    def __init__(self, operation: Operation[P, T], executor: SyncExecutor) -> None:
        self.operation = operation
        self.executor = executor
        self.__doc__ = operation.__doc__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._send(args, kwargs).data

    def with_http_info(self, *args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        """Call the operation and return the result with its HTTP status code and headers."""
        return self._send(args, kwargs)

    def iter_all(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[Any]:
        """Yield every item of a paginated list, page by page at the endpoint's largest page size."""
        cursor = _cursor(self.operation, kwargs)
        while (page_kwargs := cursor.next_kwargs()) is not None:
            page = cast("Page[Any]", self._send(args, page_kwargs).data)
            yield from page.items
            cursor.advance(page)

    def _send(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> ApiResponse[T]:
        request = self.operation.build_request(args, kwargs)
        response = self.executor._execute(request)
        return ApiResponse(response.status, response.headers, self.operation.parse(request, response))


class AsyncBoundOperation(Generic[P, T]):
    """An operation bound to an async hook: await it for the result."""

    def __init__(self, operation: Operation[P, T], executor: AsyncExecutor) -> None:
        self.operation = operation
        self.executor = executor
        self.__doc__ = operation.__doc__

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return (await self._send(args, kwargs)).data

    async def with_http_info(self, *args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        """Call the operation and return the result with its HTTP status code and headers."""
        return await self._send(args, kwargs)

    async def iter_all(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[Any]:
        """Yield every item of a paginated list, page by page at the endpoint's largest page size."""
        cursor = _cursor(self.operation, kwargs)
        while (page_kwargs := cursor.next_kwargs()) is not None:
            page = cast("Page[Any]", (await self._send(args, page_kwargs)).data)
            for item in page.items:
                yield item
            cursor.advance(page)

    async def _send(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> ApiResponse[T]:
        request = self.operation.build_request(args, kwargs)
        response = await self.executor._aexecute(request)
        return ApiResponse(response.status, response.headers, self.operation.parse(request, response))
