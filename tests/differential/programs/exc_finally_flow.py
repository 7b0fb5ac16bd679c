# Exercises: return/break/continue interacting with finally, finally overriding returns and exceptions.
def return_in_finally():
    try:
        return "from try"
    finally:
        return "from finally"


def finally_swallows():
    try:
        raise ValueError("lost")
    finally:
        return "finally return swallowed the exception"


def finally_runs_on_return(log):
    try:
        log.append("try")
        return len(log)
    finally:
        log.append("finally")


def loop_control():
    out = []
    for i in range(6):
        try:
            if i == 1:
                continue
            if i == 4:
                break
            out.append(i)
        finally:
            out.append(f"f{i}")
    return out


def break_in_finally():
    for i in range(3):
        try:
            raise KeyError(i)
        finally:
            break
    return f"break discarded KeyError at i={i}"


def continue_in_finally():
    seen = []
    for i in range(3):
        try:
            if i == 1:
                raise RuntimeError("discarded")
            seen.append(i)
        finally:
            continue
    return seen


def nested():
    log = []
    try:
        try:
            log.append("inner try")
            raise ValueError("inner")
        except ValueError:
            log.append("inner except")
            raise TypeError("from handler")
        finally:
            log.append("inner finally")
    except TypeError as e:
        log.append(f"outer caught {e}")
    finally:
        log.append("outer finally")
    return log


print(return_in_finally())
print(finally_swallows())
log = []
print(finally_runs_on_return(log), log)
print(loop_control())
print(break_in_finally())
print(continue_in_finally())
print(nested())


def while_finally():
    n = 0
    while True:
        try:
            n += 1
            if n == 3:
                return n
        finally:
            print("  while finally", n)


print(while_finally())
