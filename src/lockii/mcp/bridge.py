"""Running synchronous Django code (credential lookup, actions) from the async MCP server.

Each call runs in a small thread pool of our own rather than asgiref's one thread-sensitive thread:
with ``thread_sensitive=True`` every tool call of the process would queue behind one thread. Django
connections are per thread, so each call is framed the way Django frames a request
(``close_old_connections`` before and after, as the ``request_started``/``request_finished``
signals do): a connection older than ``CONN_MAX_AGE`` or left broken is replaced, never reused.
The pool size bounds the database connections the MCP side holds per process.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

T = TypeVar("T")

# As many threads as the a2wsgi pool that serves Django in lockii.asgi.
THREADS = 8
# Bound on waiting for busy workers to close their connections at shutdown.
CLOSE_TIMEOUT_S = 10


def _framed(fn: Callable[..., T], *args: Any) -> T:
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


class SyncBridge:
    """A thread pool for sync calls; ``close()`` closes every worker's connections, then the pool."""

    def __init__(self, threads: int = THREADS):
        self._started = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lockii-mcp",
                                        initializer=self._count_thread)
        self._call = sync_to_async(_framed, thread_sensitive=False, executor=self._pool)

    def _count_thread(self) -> None:
        with self._lock:
            self._started += 1

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread, framed like a Django request."""
        return await self._call(fn, *args)

    def close(self) -> None:
        """Close the database connection held by each worker thread, then stop the pool.

        A pool cannot target one of its threads, so one task per started thread waits at a barrier:
        no thread can take a second task before every thread has taken one.
        """
        with self._lock:
            count = self._started
        if count:
            barrier = threading.Barrier(count, timeout=CLOSE_TIMEOUT_S)

            def close_here() -> None:
                connections.close_all()
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass  # a worker stayed busy past the timeout; its connection closes with the process

            for future in [self._pool.submit(close_here) for _ in range(count)]:
                future.result(timeout=CLOSE_TIMEOUT_S + 1)
        self._pool.shutdown(wait=True)
