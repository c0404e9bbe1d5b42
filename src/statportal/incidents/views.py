"""The public list of incidents (``/incidents``): open escalations and past incidents with
their durations. An incident's own page is for the office."""

from pyramid.view import view_config

from statportal.incidents.resources import Incidents
from statportal.security.permissions import VIEW
from statportal.workflow import state_of


@view_config(context=Incidents, accept="text/html", permission=VIEW,
             renderer="statportal.incidents:templates/incidents.pt")
def incidents_page(context, request):
    public = []
    for incident in context.values():
        state = state_of(incident, "incident")
        if state in ("escalated", "resolved") and (incident.escalated_at or
                                                     state == "resolved"):
            public.append(incident)
    public.sort(key=lambda i: i.reported_at, reverse=True)
    return {"incidents": public[:200]}
