"""The builtins of the simulated program: the host's, except those that need the calling
simulated frame (``bltinmodule.c`` functions that call ``PyEval_GetLocals`` and friends),
which gilsim implements here as ``FrameBuiltin`` objects."""

from __future__ import annotations

import builtins as host_builtins
import types
from typing import Any

from gilsim.errors import UnsupportedError
from gilsim.interpreter import eval as eval_
from gilsim.interpreter.calls import FrameBuiltin
from gilsim.interpreter.frame import NULL, Frame, push_frame
from gilsim.interpreter.functions import SimFunction


def frame_locals(frame: Frame) -> dict[str, Any]:
    """``locals()``: the namespace of a module or class body; for a function, a snapshot of
    its bound locals, cells and free variables (``PyFrame_FastToLocalsWithError``)."""
    if frame.locals is not None:
        return frame.locals
    result = frame.locals_snapshot
    if result is None:
        result = frame.locals_snapshot = {}
    code = frame.code
    for index, name in enumerate(code.localsplus_names):
        value = frame.fast[index]
        if value is NULL:
            result.pop(name, None)
            continue
        is_cell = index in code.cell_slots or index >= code.nlocalsplus - len(code.code.co_freevars)
        if is_cell and isinstance(value, types.CellType):
            try:
                value = value.cell_contents
            except ValueError:
                result.pop(name, None)
                continue
        result[name] = value
    return result


def _locals(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args or kwargs:
        raise TypeError(f"locals() takes no arguments ({len(args)} given)")
    return frame_locals(frame)


def _globals(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if args or kwargs:
        raise TypeError(f"globals() takes no arguments ({len(args)} given)")
    return frame.globals


def _vars(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if kwargs:
        raise TypeError("vars() takes no keyword arguments")
    if not args:
        return frame_locals(frame)
    return host_builtins.vars(*args)


def _dir(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if kwargs:
        raise TypeError("dir() takes no keyword arguments")
    if not args:
        return sorted(frame_locals(frame))
    return host_builtins.dir(*args)


def _resolve_scopes(
    frame: Frame, name: str, args: list[Any], kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any], Any]:
    if kwargs:
        extra = set(kwargs) - {"globals", "locals", "closure"}
        if extra:
            raise TypeError(f"{name}() got an unexpected keyword argument '{sorted(extra)[0]}'")
    if not args:
        raise TypeError(f"{name} expected at least 1 argument, got 0")
    if len(args) > 3:
        raise TypeError(f"{name} expected at most 3 arguments, got {len(args)}")
    source = args[0]
    globals_ = args[1] if len(args) > 1 else kwargs.get("globals")
    locals_ = args[2] if len(args) > 2 else kwargs.get("locals")
    if globals_ is None:
        globals_ = frame.globals
        if locals_ is None:
            locals_ = frame_locals(frame)
    elif locals_ is None:
        locals_ = globals_
    if not isinstance(globals_, dict):
        kind = (
            "globals must be a real dict; try eval(expr, {}, mapping)"
            if name == "eval"
            else (f"exec() globals must be a dict, not {type(globals_).__name__}")
        )
        raise TypeError(kind if name == "eval" else kind)
    return source, globals_, locals_


def _code_frame(
    frame: Frame, code: types.CodeType, globals_: dict[str, Any], locals_: Any
) -> Frame:
    interp = frame.thread.interp
    builtins = globals_.get("__builtins__", NULL)
    if builtins is NULL:
        globals_["__builtins__"] = builtins = interp.builtins
    elif builtins is host_builtins or builtins is host_builtins.__dict__:
        builtins = interp.builtins
    elif isinstance(builtins, types.ModuleType):
        builtins = builtins.__dict__
    decoded = interp.decoded(code)
    return Frame(decoded, [NULL] * decoded.nlocalsplus, globals_, builtins, locals_)


def _exec(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    source, globals_, locals_ = _resolve_scopes(frame, "exec", args, kwargs)
    if isinstance(source, types.CodeType):
        code = source
        closure = kwargs.get("closure")
        if code.co_freevars and (closure is None or len(closure) != len(code.co_freevars)):
            raise TypeError(
                f"code object requires a closure of exactly length {len(code.co_freevars)}"
            )
        if closure is not None:
            frame_ = _code_frame(frame, code, globals_, locals_)
            frame_.function = SimFunction(
                frame_.code, globals_, frame_.builtins, closure=tuple(closure)
            )
            return frame_
    elif isinstance(source, str | bytes | bytearray):
        code = compile(source, "<string>", "exec")
    else:
        raise TypeError(
            f"exec() arg 1 must be a string, bytes or code object, not {type(source).__name__}"
        )
    return _code_frame(frame, code, globals_, locals_)


def _eval(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    source, globals_, locals_ = _resolve_scopes(frame, "eval", args, kwargs)
    if isinstance(source, types.CodeType):
        code = source
    elif isinstance(source, str | bytes | bytearray):
        if isinstance(source, str):
            source = source.lstrip(" \t")
        code = compile(source, "<string>", "eval")
    else:
        raise TypeError("eval() arg 1 must be a string, bytes or code object")
    return _code_frame(frame, code, globals_, locals_)


def _breakpoint(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    raise UnsupportedError(
        f"{frame.code.code.co_filename}, line {frame.lineno}: breakpoint() is not supported "
        "inside gilsim (the simulated program cannot be debugged interactively)"
    )


def _build_class(frame: Frame, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``builtin___build_class__``: run the class body in a namespace prepared by the
    metaclass, then call the metaclass."""
    if len(args) < 2:
        raise TypeError("__build_class__: not enough arguments")
    body, name, *bases_list = args
    if type(body) is not SimFunction:
        raise TypeError("__build_class__: func must be a function")
    if not isinstance(name, str):
        raise TypeError("__build_class__: name is not a string")
    orig_bases = tuple(bases_list)
    bases = types.resolve_bases(orig_bases)
    meta, namespace, kwds = types.prepare_class(name, bases, dict(kwargs))
    ts = frame.thread
    decoded = body.decoded
    body_frame = Frame(
        decoded, [NULL] * decoded.nlocalsplus, body.__globals__, body.__builtins__, namespace, body
    )
    push_frame(ts, frame, body_frame)
    cell = eval_.run(ts, body_frame)
    if bases is not orig_bases:
        namespace["__orig_bases__"] = orig_bases
    _wrap_special_methods(namespace)
    cls = meta(name, bases, namespace, **kwds)
    if isinstance(cls, type) and isinstance(cell, types.CellType):
        try:
            cell_cls = cell.cell_contents
        except ValueError:
            raise RuntimeError(
                f"__class__ not set defining {name!r} as {cls!r}. "
                "Was __classcell__ propagated to type.__new__?"
            ) from None
        if cell_cls is not cls:
            raise TypeError(f"__class__ set to {cell_cls!r} defining {name!r} as {cls!r}")
    return cls


def _wrap_special_methods(namespace: Any) -> None:
    """``type.__new__`` makes a plain function ``__new__`` a staticmethod and plain
    ``__init_subclass__``/``__class_getitem__`` classmethods (``type_new_set_attrs``), but
    only for real functions (``PyFunction_Check``), so gilsim does it for simulated ones."""
    wrappers = (
        ("__new__", staticmethod),
        ("__init_subclass__", classmethod),
        ("__class_getitem__", classmethod),
    )
    for name, wrapper in wrappers:
        try:
            value = namespace[name]
        except KeyError:
            continue
        if type(value) is SimFunction:
            namespace[name] = wrapper(value)


def make_builtins() -> dict[str, Any]:
    """A fresh builtins dict for one simulated interpreter."""
    namespace = dict(host_builtins.__dict__)
    for name, implementation in (
        ("locals", _locals),
        ("globals", _globals),
        ("vars", _vars),
        ("dir", _dir),
        ("exec", _exec),
        ("eval", _eval),
        ("breakpoint", _breakpoint),
        ("__build_class__", _build_class),
    ):
        namespace[name] = FrameBuiltin(name, implementation, getattr(host_builtins, name))
    return namespace
