"""Whether a request comes from the office's staff (``statportal.staff``), not the public.

Asked of the portal: the permission is granted there to the ``staff`` role group and kept
at every ACL that stops inheritance, so the answer does not depend on where the request is.
"""

from statportal.security.permissions import STAFF


def is_staff(request):
    from statportal.content.resources import get_portal

    return bool(request.has_permission(STAFF, get_portal(request)))
