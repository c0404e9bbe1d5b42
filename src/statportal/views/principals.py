"""The Manager's page of users and groups."""

from pyramid.view import view_config

from statportal.security.permissions import MANAGE_PRINCIPALS
from statportal.security.principals import Principals


@view_config(context=Principals, accept="text/html", permission=MANAGE_PRINCIPALS,
             renderer="statportal.views:templates/principals.pt")
def principals(context, request):
    return {"users": sorted(context["users"].items()), "groups": sorted(context["groups"].items())}
