"""Permissions of placement requests."""

CREATE_REQUEST = "statportal.request.create"
SUBMIT = "statportal.request.submit"
APPROVE = "statportal.request.approve"
REGISTER = "statportal.request.register"
PLACE = "statportal.request.place"
RETURN = "statportal.request.return"
REJECT = "statportal.request.reject"
