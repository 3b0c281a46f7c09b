"""The code an authenticator app shows, as the simulated users type it (kept apart from the
locustfile, which cannot be imported without Locust patching the standard library)."""

from __future__ import annotations

import hashlib
import hmac
import struct


def totp(key_hex: str, at: float) -> str:
    """RFC 6238 as django-otp checks it: HMAC-SHA1 of 30-second steps since 1970, 6 digits."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"
