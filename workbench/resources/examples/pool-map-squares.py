# Abu Ashraf Masnun, "Asynchronous Python: various forms of concurrency": Pool.map of x*x.
# The example from Python's documentation: each f(x) in another process.
# Added for the workbench (marked below): task, the name the workbench runs; the task's index
# is x. Tiny tasks: a loop beats the processes, which must start and be sent each x.
# Try: workbench run --code example:pool-map-squares -n 3 -s sequential,process-pool,mp-pool
from multiprocessing import Pool


def f(x):
    return x*x


task = f  # the workbench: each task is one f(x), x the task's index

if __name__ == '__main__':
    p = Pool(5)
    print(p.map(f, [1, 2, 3]))
