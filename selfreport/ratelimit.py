"""Rate limit of the public flow: per client address and clock hour, counted in the database.

Only a keyed hash of the address is kept.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from buurtbemiddeling import ratelimit
from buurtbemiddeling.audit import client_address

# Per client address and clock hour. A household or a community centre behind one address
# still has room; a script does not.
RATE_WINDOW = 60 * 60


# --- Rate limit ---------------------------------------------------------------------------


def _rate_key(request, kind: str) -> str:
    # The address itself is not kept, only a keyed hash of it.
    address = client_address(request) or "unknown"
    digest = salted_hmac("cases.selfreport.rate", address, algorithm="sha256").hexdigest()[:32]
    return f"selfreport:{kind}:{digest}"


def _over_limit(request) -> bool:
    """Count this post; True when the address posted or reported too often this hour."""
    if not ratelimit.take(_rate_key(request, "posts"), limit=settings.SELFREPORT_POSTS_PER_HOUR, seconds=RATE_WINDOW):
        return True
    return ratelimit.used(_rate_key(request, "reports"), seconds=RATE_WINDOW) >= settings.SELFREPORT_REPORTS_PER_HOUR


def take_report(request) -> bool:
    """One report more from this address, if the hour allows it.

    Called in the transaction that stores the report: the counter stays locked until it
    commits, so simultaneous reports from one address queue and no more than the limit pass.
    """
    return ratelimit.take(
        _rate_key(request, "reports"), limit=settings.SELFREPORT_REPORTS_PER_HOUR, seconds=RATE_WINDOW
    )


def too_many(request):
    response = render(request, "selfreport/too_many.html", status=429)
    response["Retry-After"] = str(ratelimit.window(RATE_WINDOW)[1])
    return response


def public_step(methods=("GET", "POST")):
    """A page of the public flow: no login, never cached, every post counted for the rate limit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and _over_limit(request):
                return too_many(request)
            return view(request, *args, **kwargs)

        return login_not_required(never_cache(require_http_methods(list(methods))(wrapped)))

    return decorator
