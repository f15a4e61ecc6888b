# Gabriel Carvalho, "Introduction to asyncio.gather()" (2024): 9 s in turn, 3 s gathered.
# sub_task() and async_task(). The article: three async_task() awaited one after another last
# 9 seconds, as long as three sub_task() calls; gathered, they last 3.
# Added for the workbench (marked below): the sleep as a parameter with the article's 3 seconds
# as its default, and task, the name the workbench runs for the plain form.
# Try: workbench run --code example:await-in-turn -n 3 -s sequential,async-sequential,async-gather
import asyncio
from time import sleep


# sub-routine
def sub_task(seconds=3):  # the workbench: `seconds` (the article sleeps 3)
    sleep(seconds)


# coroutine
async def async_task(seconds=3):  # the workbench: `seconds` (the article sleeps 3)
    await asyncio.sleep(seconds)


task = sub_task  # the workbench: the plain form of each task


async def main():
    await async_task()
    await async_task()
    await async_task()
    # this code will last 9 seconds
    await asyncio.gather(async_task(), async_task(), async_task())
    # this one, 3 seconds


if __name__ == "__main__":
    asyncio.run(main())
