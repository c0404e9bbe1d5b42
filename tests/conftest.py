pytest_plugins = ["statportal.testing"]
