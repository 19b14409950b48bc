"""django-axes with a per-account limit and a separate, higher per-IP limit.

Stock axes compares one number with one limit: the larger of the failures for the account and for
the IP. Two things follow that we do not want:
- many people behind one NAT address lock each other out after ``AXES_FAILURE_LIMIT`` typos in
  total, so the IP gets its own, higher limit (``LOGIN_IP_FAILURE_LIMIT``);
- a successful sign-in deletes every failure recorded for its IP as well as for its account, so an
  attacker with any valid account could guess a victim's password a few times, sign in to their
  own account to wipe the count, and repeat. Here success clears only its own account's failures
  from its own address.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The number axes compares with ``AXES_FAILURE_LIMIT`` (the per-account limit).

        ``get_user_attempts`` returns one queryset per ``AXES_LOCKOUT_PARAMETERS`` entry, in order:
        the IP's recent failures, then the account's.
        """
        by_ip, by_account = (_failures(q) for q in self.get_user_attempts(request, credentials))
        if by_ip >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)  # the address is locked out
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()[0]
