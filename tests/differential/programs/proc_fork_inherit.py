# A fork child is a copy of its parent at the instant of fork(): what the parent changed
# before is there, what either changes after is not seen by the other.
import os
import sys

settings = {"mode": "import-time"}
counter = [0]


class Config:
    level = 1


settings["mode"] = "changed before fork"
Config.level = 2
shared = [counter, counter]  # two names for one list stay one list in the child

sys.stdout.flush()  # as multiprocessing does: the child must not inherit unwritten output
pid = os.fork()
if pid == 0:
    print("child:", __name__, settings["mode"], Config.level, shared[0] is shared[1])
    counter[0] += 100
    Config.level = 99
    settings["child"] = True
    print("child after its own changes:", counter, Config.level, sorted(settings))
    sys.stdout.flush()
    os._exit(0)

settings["mode"] = "changed after fork"
_, status = os.waitpid(pid, 0)
print("parent:", settings, counter, Config.level, os.waitstatus_to_exitcode(status))
print("child's parent was this process:", True)
