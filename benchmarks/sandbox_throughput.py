"""How fast is the sandbox? Requests/second on loopback with no injected latency, and proof that injected latency
is waited concurrently (so a benchmark of a concurrent client is never limited by the sandbox).

The sandbox runs as its own process (``tremendous-sandbox --instant``), like a user would run it, so the load
generator (httpx, asyncio) does not share its interpreter. Results go to ``docs/benchmarks/sandbox.json``.

    python -m benchmarks.sandbox_throughput [--seconds 4] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HEADERS = {"Authorization": "Bearer TEST_benchmark"}
OUT = Path(__file__).parents[1] / "docs" / "benchmarks" / "sandbox.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _order(index: int) -> dict[str, Any]:
    return {
        "external_id": f"bench-{index}",
        "payment": {"funding_source_id": "balance"},
        "reward": {
            "value": {"denomination": 1, "currency_code": "USD"},
            "recipient": {"name": "Bench", "email": "bench@example.com"},
            "delivery": {"method": "EMAIL"},
            "products": ["OKMHM2X2OHYV"],
        },
    }


class KeepAliveConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx tops out near 600 requests/second on one core, which would measure the client, not the sandbox; this
    writes a request and reads one ``Content-Length`` response, nothing more.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {HEADERS['Authorization']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        assert self.reader is not None
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return int(status_line.split()[1])


async def _load(port: int, kind: str, seconds: float, concurrency: int) -> dict[str, Any]:
    counter = {"n": 0, "errors": 0}
    async with httpx.AsyncClient(headers=HEADERS) as client:
        created = await client.post(f"http://127.0.0.1:{port}/api/v2/orders", json=_order(-1))
        order_id = created.json()["order"]["id"]
    deadline = time.perf_counter() + seconds

    async def worker(worker_id: int) -> None:
        connection = KeepAliveConnection(port)
        sent = 0
        while time.perf_counter() < deadline:
            if kind == "get_order":
                status = await connection.request("GET", f"/api/v2/orders/{order_id}")
            else:
                body = json.dumps(_order(worker_id * 10_000_000 + sent)).encode()
                status = await connection.request("POST", "/api/v2/orders", body)
            sent += 1
            counter["n"] += 1
            counter["errors"] += status >= 400

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {
        "requests": counter["n"],
        "errors": counter["errors"],
        "seconds": round(elapsed, 2),
        "requests_per_second": round(counter["n"] / elapsed, 1),
    }


async def _latency(base: str, origin: str, latency_ms: int, requests: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=30) as client:
        await client.post(f"{origin}/_sandbox/faults", json={"latency_ms": latency_ms})
        start = time.perf_counter()
        responses = await asyncio.gather(*(client.get("/funding_sources/BALANCE") for _ in range(requests)))
        elapsed = time.perf_counter() - start
        await client.post(f"{origin}/_sandbox/faults", json={"latency_ms": 0})
    return {
        "latency_ms": latency_ms,
        "concurrent_requests": requests,
        "seconds": round(elapsed, 3),
        "sequential_would_take_seconds": latency_ms * requests / 1000,
        "all_ok": all(r.status_code == 200 for r in responses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "tremendous-sandbox"), "--port", str(port), "--instant"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        for _ in range(300):
            try:
                httpx.get(f"{origin}/_sandbox/health").raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        base = f"{origin}/api/v2"
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "get_order": asyncio.run(_load(port, "get_order", args.seconds, args.concurrency)),
            "create_order": asyncio.run(_load(port, "create_order", args.seconds, args.concurrency)),
            "latency": asyncio.run(_latency(base, origin, 200, 50)),
        }
    finally:
        server.terminate()
        server.wait(10)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
