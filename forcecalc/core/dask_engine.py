"""The dask.distributed engine: chunks evaluated on a cluster's workers (the optional ``dask``
extra, ``pip install 'forcecalc[dask]'``).

:func:`connect` opens a :class:`DaskEngine` on a running scheduler (``ADDRESS``, e.g.
``tcp://10.0.0.5:8786``) or, without one, on a local cluster of this machine's cores (one
process per worker, one thread each). Every worker needs the same forcecalc version: a task
is a forcecalc function and its arguments, the scenario sent once per pass. dask is imported
only here and only when an engine is opened, so forcecalc without the extra never loads it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from forcecalc.core.errors import ParameterError

#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT_S = 10


class DaskEngine:
    """An :class:`~forcecalc.core.engine.Engine` on a dask.distributed client; a context
    manager that closes the client (and the local cluster it started, if any)."""

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client = client
        self.cluster = cluster
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def map(
        self, fn: Callable[[Any, Any], Any], common: Any, items: Sequence[Any]
    ) -> Iterator[Any]:
        """``fn(common, item)`` of each item on the workers, yielded in order; ``common`` is
        sent to the workers once."""
        shared = self.client.scatter(common, broadcast=True, hash=False)
        futures = self.client.map(fn, [shared] * len(items), list(items), pure=False)
        try:
            for future in futures:
                yield future.result()
                future.release()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _modules() -> tuple[Any, Any]:
    try:
        import dask  # lazy: optional extra, loaded only for --engine dask
        import distributed  # lazy: optional extra, loaded only for --engine dask
    except ImportError:
        raise ParameterError(
            "engine",
            "dask, which is not installed",
            "the optional extra: pip install 'forcecalc[dask]'",
        ) from None
    return dask, distributed


def connect(scheduler: str | None = None, workers: int | None = None) -> DaskEngine:
    """A :class:`DaskEngine` on the scheduler at ``scheduler``, else on a local cluster of
    ``workers`` processes (default: this machine's cores), one thread each.

    Raises
    ------
    ParameterError
        ``engine`` without dask installed; ``scheduler`` for one that does not answer within
        :data:`CONNECT_TIMEOUT_S`; ``workers`` below 1 or given with a scheduler.
    """
    dask, distributed = _modules()
    if workers is not None and (workers < 1 or scheduler is not None):
        expected = "no worker count with a scheduler (it has its own workers)"
        if workers < 1:
            expected = "a whole number ≥ 1"
        raise ParameterError("workers", f"{workers}", expected)
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ParameterError(
                "scheduler",
                f"{scheduler} ({reason[:160]})",
                "the address of a running dask scheduler, e.g. tcp://10.0.0.5:8786",
            ) from None
        return DaskEngine(client)
    count = workers or os.cpu_count() or 1
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = distributed.LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never clash with another cluster
            silence_logs=50,
        )
    return DaskEngine(distributed.Client(cluster), cluster)
