# No main guard under spawn (spec/processes.md §5.2): the child runs the top level again,
# reaches start() during its own bootstrap and dies with CPython's RuntimeError (exit code
# 1), while the parent goes on.
import multiprocessing as mp

print("top level as", __name__)


def work():
    print("work ran")


mp.set_start_method("spawn", force=True)
p = mp.Process(target=work)
p.start()
p.join()
print("exit code", p.exitcode)
