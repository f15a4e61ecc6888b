# Gabriel Carvalho, "Introduction to asyncio.gather()" (2024): reading files, with aiofiles.
# read_file_sync next to read_file_async: the rewrite the article says made its task 50 times
# faster.
# Added for the workbench (marked below): task and async_task, the pair the workbench runs,
# each reading a file (this one, unless --param file_path=… names another).
# Try: workbench run --code example:async-file-io -n 100 -s sequential,async-gather,thread-pool
import asyncio
import aiofiles
import time

# Synchronous file read code
def read_file_sync(file_path):
    with open(file_path, 'r') as f:
        return f.read()

# Re-implementing the file code using an async library
async def read_file_async(file_path):
    async with aiofiles.open(file_path, 'r') as f:
        return await f.read()


def task(file_path=__file__):  # the workbench: the plain form of each task
    return read_file_sync(file_path)


async def async_task(file_path=__file__):  # the workbench: the coroutine form of each task
    return await read_file_async(file_path)


if __name__ == "__main__":
    s = time.perf_counter()
    for _ in range(100):
        read_file_sync(__file__)
    print(f"read_file_sync x 100: {time.perf_counter() - s:0.3f} s")
    async def main():
        await asyncio.gather(*(read_file_async(__file__) for _ in range(100)))

    s = time.perf_counter()
    asyncio.run(main())
    print(f"read_file_async x 100, gathered: {time.perf_counter() - s:0.3f} s")
