"""gunicorn settings for production serving (`make serve`). Override with GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
# Log the path only: a query string could carry something personal.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# One control socket per instance (gunicornc). gunicorn's default is one path per user, so a
# second instance on the same machine took over the first one's socket, and stopping either
# removed it for both. Named after the bind address unless GUNICORN_CONTROL_SOCKET says.
_control_dir = os.environ.get("XDG_RUNTIME_DIR") or os.path.join(os.path.expanduser("~"), ".gunicorn")
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    _control_dir, "gunicorn-" + "".join(ch if ch.isalnum() else "-" for ch in bind) + ".ctl"
)
