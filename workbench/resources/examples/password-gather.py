# Gabriel Carvalho, "Introduction to asyncio.gather()" (2024): the password generator.
# Its shape: a coroutine that builds a PIN and never awaits, gathered "quantity" times for
# the article's 100x speed-up.
# The class is a stand-in with the same shape as the article's (its code is in another repo).
# Added for the workbench (marked below): async_task awaits one async_pin(), and task builds
# the same PIN as a plain function, so a loop can be set beside the gather.
# Try: workbench run --code example:password-gather -n 10000 -s sequential,async-gather
from asyncio import gather
import asyncio
from secrets import choice


class PasswordGenerator:
    async def async_pin(self, pin_lenght: int) -> str:
        pin_range = "1234567890"
        return "".join(choice(pin_range) for _ in range(int(pin_lenght)))


pg = PasswordGenerator()  # -> Instantiate the password use case class


async def async_task(password_lenght=6):  # the workbench: one PIN per task
    return await pg.async_pin(pin_lenght=password_lenght)


def task(password_lenght=6):  # the workbench: the same PIN, made by a plain function
    return "".join(choice("1234567890") for _ in range(int(password_lenght)))


async def main(quantity=10, password_lenght=6):
    coroutines = list()  # -> create a list to store the coros
    for number in range(quantity):  # creates a loop by quantity to build our coros
        # notice, that I do not use await
        coro = pg.async_pin(pin_lenght=password_lenght)
        coroutines.append(coro)
    # unpackage the coros inside gather, and then run all the coroutines in parallel
    gather_result = await gather(*coroutines)
    print(gather_result)


if __name__ == "__main__":
    asyncio.run(main())
