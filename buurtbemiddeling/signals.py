"""Signals of the ground floor, for the apps built on it.

service_created(service)   a new mediation service was set up (in the admin); cases
                           gives it the standard reference lists.
"""

from django.dispatch import Signal

service_created = Signal()
