"""Permission names. Views declare one of these; ACLs grant them to roles."""

VIEW = "view"
#: Being one of the office's staff (not the public): the staff pages, who did what in a
#: history, concealed content. Granted to the ``staff`` role group.
STAFF = "statportal.staff"
#: See the staff (management) pages of an object: its contents, history, forms.
MANAGE = "statportal.manage"
ADD = "statportal.add"
EDIT = "statportal.edit"
DELETE = "statportal.delete"
#: Grant and revoke local roles on an object ("Sharing").
SHARE = "statportal.share"
#: Users and groups.
MANAGE_PRINCIPALS = "statportal.manage_principals"
#: Org units.
MANAGE_ORGUNITS = "statportal.manage_orgunits"
#: Portal settings, the working calendar's exceptions among them.
MANAGE_SETTINGS = "statportal.manage_settings"
