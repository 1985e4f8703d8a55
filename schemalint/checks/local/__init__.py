"""Static rules for local engines (``--target xgrammar,llguidance,outlines,vllm``): what each
pinned engine refuses, silently drops, or is slow to compile, each fact verified by compiling
the rule page's example in the real engine."""

from schemalint.checks.local import llguidance, outlines, vllm, xgrammar

__all__ = ["llguidance", "outlines", "vllm", "xgrammar"]
