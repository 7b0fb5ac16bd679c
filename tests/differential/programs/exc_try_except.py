# Exercises: try/except/else/finally ordering, multiple except clauses, exception attributes and re-raise.
def parse(text):
    try:
        value = int(text)
    except ValueError as e:
        print(f"  except ValueError: {e}")
        return None
    except TypeError as e:
        print(f"  except TypeError: {e}")
        return "type"
    else:
        print("  else: parsed", value)
        return value
    finally:
        print("  finally for", repr(text))


for t in ["42", "x", None, "  7 "]:
    print("result:", parse(t))


def classify(exc):
    try:
        raise exc
    except (KeyError, IndexError) as e:
        return f"lookup error {type(e).__name__}: {e}"
    except ArithmeticError as e:
        return f"arithmetic {type(e).__name__}: {e}"
    except Exception as e:
        return f"other {type(e).__name__}: {e!r}"


for exc in [KeyError("k"), IndexError("i"), ZeroDivisionError("z"), OverflowError(), ValueError("v", 2)]:
    print(classify(exc))

try:
    [1, 2][5]
except IndexError as e:
    print("IndexError:", e, e.args)
try:
    {}["missing"]
except KeyError as e:
    print("KeyError:", e, repr(e), e.args)
try:
    int("12abc")
except ValueError as e:
    print("ValueError:", e)
try:
    None.upper()
except AttributeError as e:
    print("AttributeError:", e, e.name, e.obj)
try:
    1 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    10 % 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    import no_such_module_xyz
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e, e.name)


def reraise():
    try:
        raise RuntimeError("original")
    except RuntimeError:
        print("  logging and re-raising")
        raise


try:
    reraise()
except RuntimeError as e:
    print("caught again:", e)
try:
    pass
except Exception:
    print("never")
else:
    print("else runs when no exception")
e = "still defined?"
try:
    raise ValueError
except ValueError as e:
    pass
print("e" in dir(), "name cleared after except")
print(isinstance(KeyError(), LookupError), issubclass(ZeroDivisionError, ArithmeticError), KeyError.__mro__)
