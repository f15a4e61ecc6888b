"""User code for the bench (loaded by path): pure-Python arithmetic, as a user's CPU step."""


def task(size=6_000_000):
    acc = 0
    for i in range(size):
        acc += i * i % 7
    return acc
