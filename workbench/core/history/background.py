"""The history, used from an event loop that draws a window: every call on one worker thread.

Recording a 100,000-task experiment takes about a second (the results written as JSON,
compressed, one short transaction), listing waits its turn behind another process's write,
and opening an entry parses its whole file: none of that may stall the loop that paints the
timeline. So each call runs on one worker thread, in the order asked — a list asked after a
record sees it — and its answer comes back to the loop as a future. Qt-free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from workbench.core.history.database import Notice
from workbench.core.history.store import History

T = TypeVar("T")


class BackgroundHistory:
    """A :class:`History` whose calls run on a worker thread; answers arrive on ``loop``.

    ``notice`` gets the history's one-line messages (a damaged file moved aside) on the loop,
    not on the worker thread.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        notice: Notice | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._loop = loop or asyncio.get_event_loop()
        self._notice = notice
        self.history = History(path, notice=self._notice_from_worker)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-history")
        self._pending: set[asyncio.Future[object]] = set()
        self._closed = False

    def _notice_from_worker(self, message: str) -> None:
        if self._notice is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._notice, message)

    def run(self, call: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``call`` (which uses :attr:`history`) after every call asked before it."""
        if self._closed:
            raise RuntimeError("the history has been closed")
        future = self._loop.run_in_executor(self._executor, call)
        self._pending.add(future)  # type: ignore[arg-type]
        future.add_done_callback(self._pending.discard)
        return future

    async def drain(self) -> None:
        """Return once every call asked so far has ended."""
        while self._pending:
            await asyncio.wait(set(self._pending))

    async def close(self) -> None:
        """Finish what was asked (nothing is lost), then let the worker thread go."""
        await self.drain()
        self._closed = True
        self._executor.shutdown(wait=True)
