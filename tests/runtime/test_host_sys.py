"""What CPython's own tests (``Lib/test``) found of the shadow ``sys`` and the builtins
around it, each program compared with what the real interpreter prints."""

import os
import subprocess
import sys
import textwrap

import pytest

import gilsim

host_only = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def same_as_cpython(source, **env):
    """Run ``source`` under CPython and under gilsim; both print the same."""
    source = textwrap.dedent(source)
    native = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert native.returncode == 0, native.stderr
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        simulated = gilsim.run(source=source)
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    assert simulated.error is None, simulated.error
    assert simulated.stdout == native.stdout
    return simulated.stdout


def test_type_of_sys_is_a_module_type_a_program_can_subclass():
    """``test_descr``'s ``test_dir`` and ``test_module_subclasses``: ``type(sys)`` is the
    shadow's class, and a subclass of it makes plain modules with the subclass's methods."""
    same_as_cpython(
        """
        import sys
        M = type(sys)
        log = []
        class Logged(M):
            def __setattr__(self, name, value):
                log.append(name)
                M.__setattr__(self, name, value)
            __dict__ = property(lambda self: "not a dict")
        m = Logged("m")
        m.a = 1
        print(type(m).__name__, m.a, m.__dict__, log, isinstance(m, M), M.__name__)
        print(type(M("plain")).__name__, M("plain", "its doc").__doc__)
        try:
            m.missing
        except AttributeError as e:
            print(e)
        """
    )


@host_only
def test_input_without_sys_stdin_is_cpythons_runtime_error():
    """``test_builtin``'s ``test_input``: ``del sys.stdin`` then ``input()``."""
    same_as_cpython(
        """
        import sys
        saved = sys.stdin
        del sys.stdin
        try:
            input("prompt")
        except RuntimeError as e:
            print(e)
        finally:
            sys.stdin = saved
        """
    )


@host_only
def test_breakpoint_calls_the_programs_hook_and_follows_pythonbreakpoint():
    """``test_builtin``'s ``TestBreakpoint``: ``breakpoint()`` is refused only where it
    would start the debugger."""
    same_as_cpython(
        """
        import sys
        sys.breakpointhook = lambda *args, **kwargs: print("hook", args, kwargs)
        breakpoint(1, x=2)
        sys.breakpointhook = sys.__breakpointhook__
        print(breakpoint())
        """,
        PYTHONBREAKPOINT="0",
    )
    same_as_cpython(
        """
        import sys
        print(breakpoint("12"))
        """,
        PYTHONBREAKPOINT="int",
    )


@host_only
def test_io_open_of_a_pipe_descriptor_is_the_simulated_pipe():
    """``test_json``'s ``test_tool``: ``subprocess.Popen`` opens the ends of its
    ``os.pipe()`` pipes with ``io.open`` before it starts the process."""
    same_as_cpython(
        """
        import io, os
        r, w = os.pipe()
        with io.open(w, "wb", -1) as out:
            out.write(b"through io.open")
        with io.open(r, "rb", -1) as back:
            print(back.read(), io.open is open)
        """
    )


@host_only
def test_settrace_traces_the_calling_thread_only():
    """``test_scope`` and ``test_patma``'s ``TestTracing``: a trace function is its thread's,
    and sees the program's frames, never gilsim's, across the thread's switches."""
    same_as_cpython(
        """
        import sys, threading, time
        events = []
        def tracer(frame, event, arg):
            events.append((threading.current_thread().name, event, frame.f_code.co_name))
            return tracer
        def work(n):
            total = 0
            for i in range(n):
                total += i
            time.sleep(0.01)
            return total
        def traced():
            sys.settrace(tracer)
            print(sys.gettrace() is tracer)
            work(3)
            sys.settrace(None)
        t = threading.Thread(target=traced, name="T")
        u = threading.Thread(target=work, args=(100000,), name="U")
        t.start(); u.start(); t.join(); u.join()
        print(sys.gettrace(), sorted(set(events)), len(events))
        """
    )


@pytest.mark.skipif(sys.version_info < (3, 13), reason="3.13's _thread._ThreadHandle")
def test_an_unstarted_thread_handle_cannot_be_set_done():
    """``test_thread``'s ``test_set_done_unstarted`` (``_ThreadHandle`` is new in 3.13)."""
    same_as_cpython(
        """
        import _thread
        try:
            _thread._ThreadHandle()._set_done()
        except RuntimeError as e:
            print(e)
        """
    )


def test_the_simulated_machine_has_no_ipv6_and_says_so_as_cpython_would():
    """``test.support.socket_helper`` probes IPv6 as ``test_asyncio`` loads: without it,
    ``has_ipv6`` is False and an ``AF_INET6`` socket fails with ``EAFNOSUPPORT``, an
    ``OSError`` the program handles (never a refusal that stops the run)."""
    result = gilsim.run(
        source=textwrap.dedent(
            """
            import errno, socket
            print(socket.has_ipv6)
            try:
                socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            except OSError as e:
                print(e.errno == errno.EAFNOSUPPORT)
            """
        )
    )
    assert result.error is None, result.error
    assert result.stdout == "False\nTrue\n"


def test_pthread_getcpuclockid_of_a_simulated_thread_is_a_clock():
    """``test_time``'s ``test_pthread_getcpuclockid``: the host's function took the
    simulated ident for a ``pthread_t`` and gilsim died of a segmentation fault."""
    result = gilsim.run(
        source=textwrap.dedent(
            """
            import threading, time
            clock = time.pthread_getcpuclockid(threading.get_ident())
            print(type(clock) is int, clock != time.CLOCK_THREAD_CPUTIME_ID)
            print(time.clock_gettime(clock) <= time.clock_gettime(clock))
            """
        )
    )
    assert result.error is None, result.error
    assert result.stdout == "True True\nTrue\n"
