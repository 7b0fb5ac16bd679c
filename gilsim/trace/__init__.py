"""What a run leaves behind: the trace of scheduling events and the summary computed from the
machine's and the GIL's accounts."""

from gilsim.trace.summary import SUMMARY_FORMAT, run_summary, write_trace

__all__ = ["SUMMARY_FORMAT", "run_summary", "write_trace"]
