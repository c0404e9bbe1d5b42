"""When the worker lease's holder is "gone" (its lease taken over at once, not left to
lapse): only a process of this host, kernel boot and PID namespace that no longer runs
(review of issue 19). Containers sharing a hostname have PID namespaces of their own: a
live worker in another one has a pid that is free here, and must not lose its lease."""

import os
import socket
import subprocess
import sys

import pytest

from statportal.worker import lease
from statportal.worker.lease import gone, holder_id, pid_space

HOST = socket.gethostname()


@pytest.fixture(scope="module")
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    assert not os.path.exists(f"/proc/{process.pid}")
    return process.pid


def test_a_dead_process_of_this_host_boot_and_namespace_is_gone(dead_pid):
    assert gone(f"{HOST}:{dead_pid}:token:{pid_space()}")


def test_a_holder_of_another_pid_namespace_is_not_gone(dead_pid):
    boot, namespace = pid_space().split(":")
    assert boot and namespace.isdigit()
    assert not gone(f"{HOST}:{dead_pid}:token:{boot}:{int(namespace) + 1}")


def test_a_holder_of_another_boot_is_not_gone(dead_pid):
    namespace = pid_space().split(":")[1]
    assert not gone(f"{HOST}:{dead_pid}:token:00000000-0000-0000-0000-000000000000:"
                    f"{namespace}")


def test_an_old_holder_without_boot_and_namespace_is_left_to_lapse(dead_pid):
    assert not gone(f"{HOST}:{dead_pid}:token")


def test_living_processes_and_other_hosts_are_not_gone(dead_pid):
    assert not gone(holder_id())                                  # this process
    assert not gone(f"{HOST}:1:token:{pid_space()}")              # alive
    assert not gone(f"elsewhere:{dead_pid}:token:{pid_space()}")  # another host


def test_a_process_that_cannot_tell_its_namespace_takes_nothing_over(dead_pid,
                                                                     monkeypatch):
    holder = f"{HOST}:{dead_pid}:token:{pid_space()}"
    monkeypatch.setattr(lease, "pid_space", lambda: ":")
    assert not gone(holder)


def test_the_holder_names_host_pid_boot_and_namespace():
    host, pid, token, boot, namespace = holder_id().split(":")
    assert (host, int(pid), len(token)) == (HOST, os.getpid(), 8)
    assert f"{boot}:{namespace}" == pid_space()
    with open("/proc/sys/kernel/random/boot_id") as file:
        assert boot == file.read().strip()
    assert int(namespace) == os.stat("/proc/self/ns/pid").st_ino
