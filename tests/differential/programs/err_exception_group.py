# Exercises: an uncaught ExceptionGroup with nested groups (the boxed traceback format).
def check(value):
    if value < 0:
        raise ValueError(f"negative: {value}")
    if value > 100:
        raise OverflowError(f"too big: {value}")


def validate_all(values):
    errors = []
    for v in values:
        try:
            check(v)
        except Exception as e:
            errors.append(e)
    if errors:
        raise ExceptionGroup("validation failed", errors)


try:
    validate_all([1, -5, 200])
except* OverflowError:
    print("handled the overflow part")
    raise ExceptionGroup("nested", [KeyError("extra"), ExceptionGroup("inner", [TypeError("t")])])
