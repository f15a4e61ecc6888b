# Jerry Liu, "Async and parallelism in Python" (2021): three count() coroutines gathered.
# The article: "executed in 1.01 seconds", not 3 — while one count() waits, the others run.
# Added for the workbench (marked below): count()'s wait as a parameter with the article's
# 1 second as its default, and async_task, the name the workbench runs.
# Try: workbench run --code example:three-counts -n 3 -s async-sequential,async-gather
import asyncio


async def count(seconds=1):  # the workbench: `seconds` (the article sleeps 1)
    print("One")
    await asyncio.sleep(seconds)
    print("Two")


async def main():
    await asyncio.gather(count(), count(), count())


async_task = count  # the workbench: each task is one count()

if __name__ == "__main__":
    import time

    s = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - s
    print(f"executed in {elapsed:0.2f} seconds.")
