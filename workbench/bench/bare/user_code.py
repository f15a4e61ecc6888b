"""The user's own function from a file, run bare: N tasks, the way the user's script would.

``user_code.py TASKS WORKERS PATH STRATEGY [NAME=VALUE …]`` loads ``PATH`` by path (as the
workbench does) and calls its ``task`` (sequential, process-pool) or awaits its
``async_task`` (async-gather) TASKS times, with the keyword arguments given; it prints the
wall time as JSON. No workbench code.
"""

import ast
import asyncio
import importlib.util
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def _load(path):
    spec = importlib.util.spec_from_file_location("user_code_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


_PATH = sys.argv[3]  # a spawned pool worker re-imports this script: it loads the file too
_MODULE = _load(_PATH)
_KWARGS = {k: _value(v) for k, _, v in (a.partition("=") for a in sys.argv[5:])}


def _call(task_id):
    return _MODULE.task(**_KWARGS)


def sequential(tasks, workers):
    for task_id in range(tasks):
        _call(task_id)


def process_pool(tasks, workers):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(_call, range(tasks)):
            pass


def async_gather(tasks, workers):
    async def main():
        await asyncio.gather(*(_MODULE.async_task(**_KWARGS) for _ in range(tasks)))

    asyncio.run(main())


STRATEGIES = {
    "sequential": sequential,
    "process-pool": process_pool,
    "async-gather": async_gather,
}

if __name__ == "__main__":
    n, workers, strategy = int(sys.argv[1]), int(sys.argv[2]), sys.argv[4]
    start = time.perf_counter()
    STRATEGIES[strategy](n, workers)
    print(json.dumps({"wall_s": time.perf_counter() - start}))
