# Abu Ashraf Masnun, "Asynchronous Python: various forms of concurrency": random sleepers.
# Five workers, each sleeping a random 1-9 seconds, on threads: they finish in another order
# than they started.
# Added for the workbench (marked below): `scale` multiplies the sleep (1 keeps the article's
# seconds), and task, the name the workbench runs; the task's index is the worker's number.
# Try: workbench run --code example:random-sleepers -n 5 -s sequential,threads -p scale=0.1
import random
import threading
import time


def worker(number, scale=1):  # the workbench: `scale` (the article sleeps whole seconds)
    sleep = random.randrange(1, 10)
    time.sleep(sleep * scale)
    print("I am Worker {}, I slept for {} seconds".format(number, sleep))


task = worker  # the workbench: each task is one worker(number)

if __name__ == "__main__":
    for i in range(5):
        t = threading.Thread(target=worker, args=(i,))
        t.start()
    print("All Threads are queued, let's see when they finish!")
