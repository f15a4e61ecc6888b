"""What the workbench adds to an HTTP request, in instructions: counted, not timed.

The http reference case (500 GETs gathered against the local server, answered after 0.2 s)
times 2-4 % slower through the workbench than as a bare script, on 2 cores that the client,
the server and the engine share, in runs a third of a second long. Counted under valgrind's
cachegrind, the client's side is exact and the same every run (the counts of one program move
by ~0.2 % from run to run: how a response's bytes happen to arrive). Each program makes two
numbers of requests; the difference over the requests added is what one more costs, start-up
and imports cancelled out:

- **bare**: the bare script (``workbench/bench/bare/http_gather.py``), aiohttp alone;
- **workbench**: the run's process's whole work (``workbench.core.child.run``: the
  async-gather strategy, the http workload, its step clock, its recorder, its lag probe, its
  stream encoded and dropped), called in one process;
- **inside-off**: the same with recording inside tasks off (no step clock, no lag probe).

The server runs outside valgrind, in a process of its own started here: only the client is
counted. Its work on a timer (the lag probe every 10 ms, the stream every 50 ms) runs on
valgrind's slowed clock, far more often a request than in a real run; taking the lag probe
out moved the count by under 0.1 %.

``python -m workbench.bench.http_instructions [--sizes SMALL,LARGE]`` prints the table (about
half a minute on 2 cores); ``workbench bench`` counts it too.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from typing import Any

from workbench.bench.instructions import (
    _LAUNCH,
    GROUPS,
    Counts,
    _to_stderr,
    count,
    counted_or_why,
    per_iteration,
    print_counted,
)
from workbench.bench.tables import table
from workbench.bench.task_instructions import added_functions, per_function, size_pair

SIZES = (250, 750)
DELAY_S = 0.2
ARMS = ("bare", "workbench", "inside-off")
_CHILD = (
    "import sys; sys.setswitchinterval(1000.0); from workbench.core import protocol; "
    "from workbench.core.child import run; "
    "from workbench.bench.fidelity_parts_probe import _NullChannel; "
    "requests, url, delay, inside = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), "
    "sys.argv[4] == 'on'; channel = _NullChannel(); "
    "run(protocol.RunRequest('async-gather', 'http', {'delay': delay}, requests, 2, url=url, "
    "inside=inside), channel); "
    "assert channel.done is not None and channel.done.ok, channel.done"
)
"""The run's process's whole work, as the fidelity parts' ``child`` arm calls it, with the
server's URL (the GIL's forced switches off, as in every count)."""


def request_argv(arm: str, requests: int, url: str) -> list[str]:
    """``python <argv>`` making ``requests`` gathered GETs of ``url`` as ``arm`` does."""
    if arm == "bare":
        module = "workbench.bench.bare.http_gather"
        return ["-c", _LAUNCH, module, str(requests), "2", str(DELAY_S), url]
    inside = "off" if arm == "inside-off" else "on"
    return ["-c", _CHILD, str(requests), url, str(DELAY_S), inside]


Server = Callable[[], AbstractAsyncContextManager[str]]
"""Opens a server for the count's requests and gives its base URL."""


def measure_http_instructions(
    sizes: tuple[int, int] = SIZES,
    progress: Callable[[str], None] = print,
    counter: Callable[[Sequence[str]], Counts] = count,
    server: Server | None = None,
) -> dict[str, Any]:
    """Each arm's instructions a request, by where they ran, and the functions the workbench
    adds most to. Two programs are counted at a time, against one local server (``server``:
    the workbench's own unless another is given). A server that does not start leaves
    ``{"skipped": why}``, as a missing valgrind does: the bench can do without this part."""
    from workbench.core.httpserver_client import ServerError, local_http_server

    try:
        return asyncio.run(_measure(sizes, progress, counter, server or local_http_server))
    except ServerError as error:
        return {"skipped": str(error)}


async def _measure(
    sizes: tuple[int, int],
    progress: Callable[[str], None],
    counter: Callable[[Sequence[str]], Counts],
    server: Server,
) -> dict[str, Any]:
    runs = [(arm, requests) for requests in sizes for arm in ARMS]
    loop = asyncio.get_running_loop()

    def counted(run: tuple[str, int], url: str) -> Counts:
        progress(f"http instructions: {run[0]}, {run[1]:,} requests")
        return counter(request_argv(*run, url))

    async with server() as url:
        with ThreadPoolExecutor(max_workers=2) as pool:
            waits = [loop.run_in_executor(pool, counted, run, url) for run in runs]
            counts = dict(zip(runs, await asyncio.gather(*waits), strict=True))
    small, large = sizes
    cost = {
        arm: per_iteration(counts[(arm, small)], counts[(arm, large)], large - small)
        for arm in ARMS
    }
    bare = cost["bare"].total
    rows = [
        {
            "arm": arm,
            "per_request": round(cost[arm].total, 1),
            **{group: round(getattr(cost[arm], group), 1) for group in GROUPS},
            "added": round(cost[arm].total - bare, 1),
            "ratio": round(cost[arm].total / bare, 4),
        }
        for arm in ARMS
    ]
    functions = {
        arm: per_function(counts[(arm, small)], counts[(arm, large)], large - small)
        for arm in ("bare", "workbench")
    }
    return {
        "requests": [small, large],
        "rows": rows,
        "functions": added_functions(functions["bare"], functions["workbench"]),
    }


def measure_counted_http(progress: Callable[[str], None] = print) -> dict[str, Any]:
    """The count at :data:`SIZES`, or why it was not made (valgrind missing)."""
    return counted_or_why(lambda: measure_http_instructions(SIZES, progress))


def to_markdown(figures: Mapping[str, Any]) -> list[str]:
    lines = ["### The http case in instructions: counted, not timed", ""]
    if figures.get("skipped"):
        return [*lines, f"Not measured: {figures['skipped']}.", ""]
    small, large = figures["requests"]
    lines += [
        f"Instructions one more GET costs the client (cachegrind; {small:,} → {large:,}",
        "requests, so that start-up cancels out; the server outside the count), split by",
        "where they ran; ratios are to the bare script. See `python -m",
        "workbench.bench.http_instructions`.",
        "",
    ]
    lines += table(
        ["arm", "a request", *GROUPS, "added", "ratio to bare"],
        [
            [
                row["arm"],
                f"{row['per_request']:,.1f}",
                *(f"{row[group]:,.1f}" for group in GROUPS),
                f"{row['added']:,.1f}",
                f"{row['ratio']:.4f}",
            ]
            for row in figures["rows"]
        ],
    )
    lines += ["Where the workbench's added instructions go:", ""]
    lines += table(
        ["function", "added a request"],
        [[name, f"{value:,.1f}"] for name, value in figures["functions"]],
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.bench.http_instructions")
    parser.add_argument(
        "--sizes",
        type=size_pair("requests"),
        default=SIZES,
        metavar="SMALL,LARGE",
        help=f"two numbers of requests (default: {SIZES[0]},{SIZES[1]})",
    )
    args = parser.parse_args(argv)
    figures = counted_or_why(lambda: measure_http_instructions(args.sizes, _to_stderr))
    return print_counted("workbench.bench.http_instructions", figures, to_markdown)


if __name__ == "__main__":
    sys.exit(main())
