# Exercises: exec/eval/compile with explicit globals/locals dicts, default scopes, modes and code objects.
x = 10
print(eval("x * 2"), eval("x + y", {"x": 1, "y": 2}), eval("a + b", {"a": 1}, {"b": 5}))
env = {}
exec("def double(n):\n    return n * 2\nresult = double(21)", env)
print(env["result"], env["double"](5), "__builtins__" in env, sorted(k for k in env if k != "__builtins__"))
exec("x = 99")
print("module-level exec rebinds global x:", x)


def inside_function():
    local_value = 5
    exec("local_value = 100; new_name = 'created'")
    scope = locals()
    return local_value, scope.get("new_name"), eval("local_value + 1")


print(inside_function())
code = compile("total = sum(range(n))", "<generated>", "exec")
ns = {"n": 10}
exec(code, ns)
print(ns["total"], code.co_filename, type(code).__name__, code.co_name)
expr = compile("3 ** 4 + k", "<expr>", "eval")
print(eval(expr, {"k": 1}), eval(expr, {"k": 100}))
single = compile("1 + 1", "<single>", "single")
print("single mode prints via displayhook:")
exec(single)
restricted = {"__builtins__": {"len": len}}
print(eval("len('abcd')", restricted))
try:
    eval("print('hi')", restricted)
except NameError as e:
    print("NameError:", e)
try:
    eval("1 +")
except SyntaxError as e:
    print("SyntaxError:", e.msg, e.lineno, e.offset, repr(e.text), e.filename)
try:
    exec("for")
except SyntaxError as e:
    print("SyntaxError:", e.msg)
try:
    eval("undefined_name")
except NameError as e:
    print("NameError:", e)
try:
    exec(compile("raise ValueError('from exec')", "<dyn>", "exec"))
except ValueError as e:
    print("ValueError:", e, e.__traceback__.tb_next.tb_frame.f_code.co_filename)
src = """
class Dyn:
    def hello(self):
        return 'hello from ' + type(self).__name__
obj = Dyn()
"""
g = {"__name__": "dynamic_module"}
exec(src, g)
print(g["obj"].hello(), g["Dyn"].__module__, g["Dyn"].__qualname__)
print(eval("[i * i for i in range(n)]", {"n": 5}))
print(eval("lambda q: q + offset", {"offset": 7})(3))
print(eval(" 42 "), eval("'  '.join(['a', 'b'])"), eval("(1, 2)"), eval("{'k': [1, {2}]}"))
