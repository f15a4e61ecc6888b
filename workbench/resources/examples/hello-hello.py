# Ivan Borshchov, "Parallel execution of asyncio functions" (2017): say1 and say2 gathered.
# The article: "Hello 1!" and "Hello 2!" appear at the same time after 1 second, not after 2.
# Added for the workbench (marked below): the sleeps as a parameter with the article's 1 second
# as its default, and async_task: task 0 runs say1, task 1 say2 (and so on, in turn).
# Try: workbench run --code example:hello-hello -n 2 -s async-sequential,async-gather
import asyncio


def write(msg):
    print(msg, flush=True)


async def say1(seconds=1):  # the workbench: `seconds` (the article sleeps 1)
    await asyncio.sleep(seconds)
    write("Hello 1!")


async def say2(seconds=1):  # the workbench: `seconds` (the article sleeps 1)
    await asyncio.sleep(seconds)
    write("Hello 2!")


async def async_task(index, seconds=1):  # the workbench: task i runs say1 or say2
    await (say1, say2)[index % 2](seconds)


if __name__ == "__main__":
    # The article's get_event_loop() outside a running loop is deprecated since Python 3.10.
    loop = asyncio.new_event_loop()
    loop.run_until_complete(asyncio.gather(say1(), say2()))
    loop.close()
