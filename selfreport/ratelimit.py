"""Rate limit of the public flow: per client address and clock hour, in the shared cache.

Only a keyed hash of the address is kept.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from buurtbemiddeling.audit import client_address

# Per client address and clock hour. A household or a community centre behind one address
# still has room; a script does not.
RATE_WINDOW = 60 * 60


# --- Rate limit ---------------------------------------------------------------------------


def _window() -> tuple[int, int]:
    """The current clock-hour window and the seconds left in it."""
    now = int(time.time())
    return now // RATE_WINDOW, RATE_WINDOW - now % RATE_WINDOW


def _rate_key(request, kind: str) -> str:
    # The address itself is not kept, only a keyed hash of it.
    address = client_address(request) or "unknown"
    digest = salted_hmac("cases.selfreport.rate", address, algorithm="sha256").hexdigest()[:32]
    return f"selfreport:{kind}:{digest}:{_window()[0]}"


def _count(request, kind: str) -> int:
    key = _rate_key(request, kind)
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, RATE_WINDOW)
    return count


def _over_limit(request) -> bool:
    """Count this post; True when the address posted or reported too often this hour."""
    posts = _count(request, "posts")
    reports = cache.get(_rate_key(request, "reports")) or 0
    return posts > settings.SELFREPORT_POSTS_PER_HOUR or reports >= settings.SELFREPORT_REPORTS_PER_HOUR


def _too_many(request):
    response = render(request, "selfreport/too_many.html", status=429)
    response["Retry-After"] = str(_window()[1])
    return response


def public_step(methods=("GET", "POST")):
    """A page of the public flow: no login, never cached, every post counted for the rate limit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and _over_limit(request):
                return _too_many(request)
            return view(request, *args, **kwargs)

        return login_not_required(never_cache(require_http_methods(list(methods))(wrapped)))

    return decorator
