"""X-Twilio-Signature, computed the way Twilio documents it (checked against twilio's validator)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Base64 HMAC-SHA1 of the full URL followed by each POST parameter, sorted by name."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    mac = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()
