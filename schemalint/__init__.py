"""schemalint: find, measure and fix JSON-Schema shapes that make constrained decoding slow."""

__version__ = "0.1.0"
