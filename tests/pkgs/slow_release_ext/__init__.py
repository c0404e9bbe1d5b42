"""An add-on that makes a release slow (tests/storage/test_workers_crash.py): after each
material's ``release`` transition, inside the release's transaction, it writes the
material's path to the file ``slow_release_ext.marker`` (the test sees the pass under way),
queues a mail saying so (sent only if the release commits) and sleeps
``slow_release_ext.seconds``."""

import time


def after_release(event):
    from statportal.content.paths import path_of
    from statportal.mail import make_message, queue_mail

    if event.transition.name != "release":
        return
    settings = event.request.registry.settings
    path = path_of(event.object)
    queue_mail(event.request, make_message("portal@stat.example.kz", "watch@stat.example.kz",
                                           f"Released {path}", f"{path} is public."))
    with open(settings["slow_release_ext.marker"], "a") as marker:
        marker.write(path + "\n")
    time.sleep(float(settings.get("slow_release_ext.seconds", 1)))


def includeme(config):
    from statportal.workflow.events import AfterTransition

    config.add_subscriber(after_release, AfterTransition)
