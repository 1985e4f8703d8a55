"""LMFE's per-tokenizer data, built once and cached on disk.

Building it walks the whole vocabulary and a 50k-node token trie (about a second for 32k
tokens, several for 131k); the cache is keyed by a hash of the tokenizer file and the LMFE
version, so an upgrade or another tokenizer never reads stale data.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from schemalint.lmfe import installed_version
from schemalint.tokenizers import Tokenizer

#: Bump when the cached structure changes.
_FORMAT = 1


def cache_dir() -> Path:
    """``$SCHEMALINT_CACHE_DIR``, else the user cache folder (XDG)."""
    explicit = os.environ.get("SCHEMALINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "schemalint"


def cache_key(tokenizer: Tokenizer) -> str:
    digest = hashlib.sha256(tokenizer.source.read_bytes()).hexdigest()[:24]
    return f"{digest}-lmfe{installed_version()}-v{_FORMAT}"


def enforcer_data(tokenizer: Tokenizer, use_cache: bool = True) -> Any:
    """A ``TokenEnforcerTokenizerData`` for ``tokenizer``, from the cache when possible."""
    from lmformatenforcer import TokenEnforcerTokenizerData

    path = cache_dir() / "tokenizer-data" / f"{cache_key(tokenizer)}.pickle"
    if use_cache and path.is_file():
        collecting = gc.isenabled()
        gc.disable()  # ~50k trie nodes: the collector would rescan them while they load
        try:
            with path.open("rb") as stream:
                data: Any = pickle.load(stream)
            data.decoder = tokenizer.decode
            return data
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged cache entry is rebuilt below
        finally:
            if collecting:
                gc.enable()
    data = TokenEnforcerTokenizerData(
        tokenizer.regular_tokens(), tokenizer.decode, tokenizer.eos_ids, False, tokenizer.vocab_size
    )
    if use_cache:
        _store(data, path)
        data.decoder = tokenizer.decode
    return data


def _store(data: Any, path: Path) -> None:
    """Write atomically; the decoder is a closure and is re-attached on load."""
    data.decoder = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as stream:
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(stream.name, path)
    except OSError:
        pass  # an unwritable cache only costs time
