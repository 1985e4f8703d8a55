"""Measured analysis: drive the real enforcer with a real tokenizer."""
