"""`std.hash` (S§2.6). Class pure; text is encoded as UTF-8 first."""

from __future__ import annotations

import base64
import binascii
import hashlib

from . import Param, Registry, StdCall

registry = Registry("hash")


@registry.function("pure", "MD5 digest of text, as hex", Param("text", "str"))
def hash_md5(call: StdCall, text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@registry.function("pure", "SHA-256 digest of text, as hex", Param("text", "str"))
def hash_sha256(call: StdCall, text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@registry.function("pure", "Base64-encode text", Param("text", "str"))
def base64_encode(call: StdCall, text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@registry.function("pure", "Decode base64 to text", Param("text", "str"))
def base64_decode(call: StdCall, text: str) -> str:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        raise call.bad_argument("not base64 of UTF-8 text") from None
